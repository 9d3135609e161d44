# ikenode as a test host. Source after netns.sh.
#
#   ikn_conf NODE IKENODE_CONF_BODY SWANCTL_TEXT
#                 writes $VM_DIR/ikn-NODE/{ikenode.conf,swanctl/swanctl.conf}
#   ikn_start NODE  starts ikenode -f in host NODE, waits for its control socket
#   ikn_ctl NODE ARGS...   hactl against that daemon
#   ikn_sas NODE PY_EXPR   evaluates a Python expression over `hactl list-sas --json`
#                          (variable sas: the list of IKE_SAs), prints the result
#   ikn_wait_sas NODE PY_COND [SECONDS]  waits until ikn_sas prints True
#
# IKN_BUILD is the build directory holding ikenode and hactl; IKN_QUIET=1 starts
# ikenode without debug logging.

IKN_BIN=${IKN_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build/normal}

ikn_dir() { echo "$VM_DIR/ikn-$1"; }

ikn_conf() {
	local node=$1 d
	d=$(ikn_dir "$node")
	mkdir -p "$d/swanctl"
	for s in x509 x509ca x509crl private rsa ecdsa pkcs8; do
		mkdir -p "$d/swanctl/$s"
	done
	cat >"$d/ikenode.conf" <<CONF
ikenode {
	swanctl_dir = $d/swanctl
	swanctl_conf = $d/swanctl/swanctl.conf
	keylog = $d/ike.keys
	control {
		socket = ${VM_PREFIX}$node
	}
	$2
}
CONF
	printf '%s\n' "$3" >"$d/swanctl/swanctl.conf"
}

# libqb's IPC sockets are abstract unix sockets: reachable only inside the daemon's namespace
ikn_ctl() {
	local node=$1
	shift
	vm_in "$node" "$IKN_BIN/hactl" --socket "${VM_PREFIX}$node" "$@"
}

ikn_start() {
	local node=$1 d
	d=$(ikn_dir "$node")
	# debug logging unless IKN_QUIET=1 (benchmarks)
	vm_bg "ikenode-$node" "$node" "$IKN_BIN/ikenode" -f $([ "${IKN_QUIET:-0}" = 1 ] || echo -d) \
		-c "$d/ikenode.conf"
	for _ in $(seq 1 50); do
		ikn_ctl "$node" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$VM_DIR/ikenode-$node.log" >&2
	return 1
}

ikn_sas() {
	ikn_ctl "$1" --json list-sas | python3 -c '
import json, sys
sas = json.load(sys.stdin)["ike_sas"]
print(eval(sys.argv[1]))' "$2"
}

ikn_wait_sas() {
	local i
	for i in $(seq 1 $((${3:-10} * 5))); do
		[ "$(ikn_sas "$1" "$2" 2>/dev/null)" = True ] && return 0
		sleep 0.2
	done
	return 1
}
