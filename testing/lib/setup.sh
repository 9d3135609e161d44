# Shared by testing/run-tests and testing/demo: install what is missing,
# then build. Source it; it defines functions only.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What a fresh Debian 12 machine needs to build ikenode and run every test.
IKN_BUILD_PKGS="autoconf automake libtool pkg-config make gcc clang libclang-rt-14-dev
	libssl-dev libnl-3-dev libnl-route-3-dev libnl-xfrm-3-dev libnetfilter-queue-dev
	libnftnl-dev libmnl-dev
	libcpg-dev libquorum-dev libvotequorum-dev libqb-dev check libpcap-dev libjson-c-dev"
IKN_TEST_PKGS="tshark tcpdump iproute2 iputils-ping nftables iptables procps python3 iperf3
	qemu-system-x86 linux-image-amd64 busybox-static cpio kmod seabios ipxe-qemu
	strongswan-swanctl charon-systemd strongswan-charon strongswan-pki
	libcharon-extra-plugins libstrongswan-extra-plugins"

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# Installs the packages that are not installed yet; quiet unless it fails.
install_missing() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		say "missing packages: ${missing[*]} (run as root, or install them)"
		return 1
	fi
	say "installing: ${missing[*]}"
	local log
	log=$(mktemp)
	if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		say "apt-get failed"
		return 1
	fi
	rm -f "$log"
}

install_deps() {
	# shellcheck disable=SC2086 # the lists are word lists
	install_missing $IKN_BUILD_PKGS $IKN_TEST_PKGS
}

# build DIR [configure args...]: a VPATH build of the tree in $TOP/DIR.
build() {
	local dir=$TOP/$1
	shift
	[ -x "$TOP/configure" ] || (cd "$TOP" && ./autogen.sh >/dev/null 2>&1) || {
		say "autogen.sh failed"
		return 1
	}
	mkdir -p "$dir"
	(cd "$dir" && "$TOP/configure" -q "$@" >configure.out 2>&1) || {
		cat "$dir/configure.out" >&2
		return 1
	}
	make -C "$dir" -s -j"$(nproc)" >"$dir/make.out" 2>&1 || {
		tail -50 "$dir/make.out" >&2
		return 1
	}
}
