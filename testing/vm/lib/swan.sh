# strongSwan (charon-systemd) as a real peer in a test host. Source after
# netns.sh. Userspace ESP (kernel-libipsec): these machines have no kernel
# ESP, and strongSwan's userspace ESP always claims to be behind a NAT.
#
#   swan_conf NODE SWANCTL_TEXT [EXTRA_CHARON_TEXT]
#   swan_start NODE              starts charon in host NODE, waits for vici
#   swan_ctl NODE ARGS...        swanctl against the node's vici socket

SWAN_PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey aes sha1 sha2 hmac kdf gmp \
curve25519 kernel-libipsec kernel-netlink socket-default vici"

swan_dir() { echo "$VM_DIR/swan-$1"; }

swan_conf() {
	local node=$1 d s
	d=$(swan_dir "$node")
	mkdir -p "$d"
	for s in x509 x509ca x509crl pubkey private rsa ecdsa pkcs8 pkcs12; do
		mkdir -p "$d/$s"
	done
	cat >"$d/strongswan.conf" <<CONF
charon {
	load_modular = no
	load = $SWAN_PLUGINS
	retransmit_tries = 3
	retransmit_timeout = 1.0
	retransmit_base = 1.4
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
		kernel-libipsec {
			allow_peer_ts = yes
		}
		socket-default {
			fwmark = 0x42
		}
		kernel-netlink {
			fwmark = !0x42
		}
	}
	filelog {
		main {
			path = $d/charon.log
			time_format = %H:%M:%S
			default = 1
			ike = 2
			flush_line = yes
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	${3:-}
}
charon-systemd {
	journal {
		default = -1
	}
}
CONF
	printf '%s\n' "$2" >"$d/swanctl.conf"
}

swan_start() {
	local node=$1 d
	d=$(swan_dir "$node")
	vm_bg "charon-$node" "$node" env STRONGSWAN_CONF="$d/strongswan.conf" \
		/usr/sbin/charon-systemd
	for _ in $(seq 1 50); do
		[ -S "$d/charon.vici" ] && break
		sleep 0.1
	done
	[ -S "$d/charon.vici" ] || {
		cat "$VM_DIR/charon-$node.log" >&2
		return 1
	}
	swan_ctl "$node" --load-all --noprompt --file "$d/swanctl.conf" >"$d/load.log" 2>&1 || {
		cat "$d/load.log" >&2
		return 1
	}
}

swan_ctl() {
	local node=$1 d
	d=$(swan_dir "$node")
	shift
	vm_in "$node" env STRONGSWAN_CONF="$d/strongswan.conf" /usr/sbin/swanctl "$@" \
		--uri "unix://$d/charon.vici"
}
