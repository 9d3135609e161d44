# QEMU guests running Debian's stock kernel (TCG), for what this machine's
# kernel cannot do (ESP). Source it. Adapted from the recipe in the shared
# testbed (build-initramfs.sh, boot-one.sh): busybox-static, the host's
# iproute2 and the given host binaries with the libraries ldd finds, the
# kernel's crypto/XFRM/NIC modules, an /init that runs /test.sh and powers off.
#
#   guest_init PREFIX       sets $GUEST_DIR, $GUEST_KVER, $GUEST_KERNEL, installs the exit trap;
#                           returns 77 when qemu, busybox or a kernel image is missing
#   guest_initramfs BIN...  builds $GUEST_DIR/base.cpio.gz with BINs in /usr/local/bin
#   guest_boot NAME SCRIPT [FILE...] -- [QEMU ARGS...]
#                           boots guest NAME running SCRIPT as /test.sh (FILEs go to /),
#                           console in $GUEST_DIR/NAME.log (CR removed); returns qemu's status
#
# Inside a guest, /etc/vmtest-lib.sh (sourced before /test.sh) gives ip()
# (iproute2, not busybox's applet), say MSG (a tagged console line) and
# wait_ping ADDR [TRIES]. Env: GUEST_TIMEOUT (seconds per guest, default 100),
# GUEST_MEM (default 256M), VM_KEEP=1 keeps $GUEST_DIR.

GUEST_DIR=
GUEST_KVER=
GUEST_KERNEL=

guest_cleanup() {
	[ "${VM_KEEP:-0}" = 1 ] || rm -rf "$GUEST_DIR"
}

guest_init() {
	local d
	for d in qemu-system-x86_64 cpio modprobe depmod gzip; do
		command -v "$d" >/dev/null || {
			echo "SKIP: $d missing"
			return 77
		}
	done
	[ -x /bin/busybox ] || {
		echo "SKIP: /bin/busybox (busybox-static) missing"
		return 77
	}
	for d in $(ls -1 /lib/modules 2>/dev/null | sort -V -r); do
		if [ -r "/boot/vmlinuz-$d" ]; then
			GUEST_KVER=$d
			break
		fi
	done
	[ -n "$GUEST_KVER" ] || {
		echo "SKIP: no readable /boot/vmlinuz-* with modules (linux-image-amd64)"
		return 77
	}
	GUEST_KERNEL=/boot/vmlinuz-$GUEST_KVER
	GUEST_DIR=$(mktemp -d "/tmp/ikn-$1XXXXXX")
	trap guest_cleanup EXIT
	trap 'exit 130' INT TERM
}

# Modules loaded at boot, in order. ESP's IV generators need the default
# RNG (drbg); without it every ESP state add fails.
GUEST_MODS="af_packet
jitterentropy_rng drbg
cryptd crypto_simd gf128mul ghash_generic ghash-clmulni-intel aesni_intel
ctr gcm ccm cbc ecb sha1_generic sha256_generic sha256-ssse3 sha512_generic hmac
authenc seqiv echainiv
chacha_generic chacha-x86_64 poly1305_generic poly1305-x86_64 chacha20poly1305
xfrm_algo xfrm_user esp4 esp6 xfrm4_tunnel tunnel4
dummy virtio_pci virtio_net"

guest_copy_bin() { # root src dest-dir
	local root=$1 src=$2 dst=$3 lib
	cp -L "$src" "$root$dst/" || return 1
	for lib in $(ldd "$src" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}'); do
		mkdir -p "$root$(dirname "$lib")"
		[ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
	done
}

guest_initramfs() {
	local root=$GUEST_DIR/rootfs a d m deps kind path
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib,lib64,proc,sys,dev,run,tmp,etc,root,var/run}
	mkdir -p "$root/lib/modules/$GUEST_KVER"
	cp /bin/busybox "$root/bin/busybox"
	guest_copy_bin "$root" "$(command -v ip)" /sbin || return 1
	for a in "$@"; do
		guest_copy_bin "$root" "$a" /usr/local/bin || return 1
	done
	[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
	# busybox applets, never over a real binary (its ip applet has no xfrm)
	for a in $(/bin/busybox --list); do
		for d in bin sbin usr/local/bin; do [ -e "$root/$d/$a" ] && continue 2; done
		ln -s /bin/busybox "$root/bin/$a"
	done
	: >"$root/etc/modules.load"
	for m in $GUEST_MODS; do
		deps=$(modprobe -S "$GUEST_KVER" --show-depends "$m" 2>/dev/null) || continue
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			grep -qxF "$path" "$root/etc/modules.load" && continue
			mkdir -p "$root$(dirname "$path")"
			cp "$path" "$root$path"
			echo "$path" >>"$root/etc/modules.load"
		done <<<"$deps"
	done
	for m in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "/lib/modules/$GUEST_KVER/$m" ] && cp "/lib/modules/$GUEST_KVER/$m" "$root/lib/modules/$GUEST_KVER/"
	done
	depmod -b "$root" "$GUEST_KVER" || return 1
	cat >"$root/etc/vmtest-lib.sh" <<'LIB'
ip() { /sbin/ip "$@"; }
say() { echo "VMTEST[$(hostname)]: $*"; }
wait_ping() { i=0; while [ $i -lt "${2:-60}" ]; do ping -c1 -W1 "$1" >/dev/null 2>&1 && return 0; i=$((i+1)); done; return 1; }
LIB
	cat >"$root/init" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/shm
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
echo /bin/modprobe >/proc/sys/kernel/modprobe
while read -r ko; do insmod "$ko" 2>/dev/null; done </etc/modules.load
ip link set lo up
hostname "$(sed -n 's/.*vmtest.name=\([^ ]*\).*/\1/p' /proc/cmdline)"
echo "VMTEST: running /test.sh at uptime $(cut -d' ' -f1 /proc/uptime)s"
sh -c '. /etc/vmtest-lib.sh; . /test.sh'
echo "VMTEST: /test.sh exit=$? poweroff at uptime $(cut -d' ' -f1 /proc/uptime)s"
sync
poweroff -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$GUEST_DIR/base.cpio.gz"
}

guest_boot() {
	local name=$1 script=$2 t rc=0
	shift 2
	t=$GUEST_DIR/boot-$name
	mkdir -p "$t/root"
	cp "$script" "$t/root/test.sh"
	chmod 755 "$t/root/test.sh"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		cp "$1" "$t/root/"
		shift
	done
	[ "${1:-}" = -- ] && shift
	# the kernel unpacks concatenated archives in order
	(cd "$t/root" && find . -mindepth 1 -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$t/extra.cpio.gz"
	cat "$GUEST_DIR/base.cpio.gz" "$t/extra.cpio.gz" >"$t/initrd.gz"
	timeout --foreground -k 5 "${GUEST_TIMEOUT:-100}" \
		qemu-system-x86_64 -accel tcg,thread=multi -cpu max -M q35 -m "${GUEST_MEM:-256M}" -smp 1 \
		-nographic -nodefaults -no-reboot -serial stdio -monitor none \
		-kernel "$GUEST_KERNEL" -initrd "$t/initrd.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 vmtest.name=$name" \
		"$@" </dev/null >"$GUEST_DIR/$name.raw" 2>&1 || rc=$?
	tr -d '\r' <"$GUEST_DIR/$name.raw" >"$GUEST_DIR/$name.log"
	return $rc
}
