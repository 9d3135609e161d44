# Test hosts in network namespaces. Source it. Every scenario gets its own
# namespace prefix and run directory, and tears everything down on exit.
#
#   vm_init PREFIX        sets $VM_DIR, installs the exit trap
#   vm_host NAME          creates namespace $PREFIX$NAME with lo up
#   vm_link A IPA B IPB   a veth pair between hosts A and B with /24 addresses
#   vm_in NAME CMD...     runs CMD in host NAME
#   vm_bg TAG NAME CMD... starts CMD in host NAME in the background (log: $VM_DIR/TAG.log)
#   check DESC CMD...     runs CMD, records PASS/FAIL
#   vm_finish             prints "N passed, N failed" and returns non-zero on failure

VM_PREFIX=
VM_DIR=
VM_HOSTS=()
VM_PIDS=()
VM_PASSED=0
VM_FAILED=0

vm_log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

vm_cleanup() {
	local pid h
	for pid in "${VM_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${VM_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$pid" 2>/dev/null
	done
	for h in "${VM_HOSTS[@]}"; do
		ip netns del "$h" 2>/dev/null
	done
	[ "${VM_KEEP:-0}" = 1 ] || rm -rf "$VM_DIR"
}

vm_init() {
	VM_PREFIX=$1
	VM_DIR=$(mktemp -d "/tmp/ikn-$1XXXXXX")
	chmod 755 "$VM_DIR"
	trap vm_cleanup EXIT
	trap 'exit 130' INT TERM
	# a namespace left over by an earlier, killed run of the same scenario
	local ns
	for ns in $(ip netns list | awk '{print $1}' | grep "^$VM_PREFIX" || true); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns"
	done
}

vm_host() {
	local ns=$VM_PREFIX$1
	ip netns add "$ns" || return 1
	VM_HOSTS+=("$ns")
	ip -n "$ns" link set lo up
}

vm_link() { # hostA addrA hostB addrB  (interface eth0 on both sides, or ethN)
	local a=$VM_PREFIX$1 b=$VM_PREFIX$3 ia ib
	ia=eth$(ip -n "$a" -o link | grep -c ' eth')
	ib=eth$(ip -n "$b" -o link | grep -c ' eth')
	ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b" || return 1
	ip -n "$a" addr add "$2/24" dev "$ia"
	ip -n "$b" addr add "$4/24" dev "$ib"
	ip -n "$a" link set "$ia" up
	ip -n "$b" link set "$ib" up
}

vm_in() {
	local ns=$VM_PREFIX$1
	shift
	ip netns exec "$ns" "$@"
}

vm_bg() {
	local tag=$1 ns=$VM_PREFIX$2
	shift 2
	ip netns exec "$ns" "$@" >"$VM_DIR/$tag.log" 2>&1 &
	VM_PIDS+=("$!")
}

check() {
	local desc=$1
	shift
	if "$@"; then
		VM_PASSED=$((VM_PASSED + 1))
		echo "PASS: $desc"
	else
		VM_FAILED=$((VM_FAILED + 1))
		echo "FAIL: $desc"
	fi
}

vm_finish() {
	echo "$(basename "$0"): $VM_PASSED passed, $VM_FAILED failed"
	[ "$VM_FAILED" = 0 ] && [ "$VM_PASSED" -gt 0 ]
}
