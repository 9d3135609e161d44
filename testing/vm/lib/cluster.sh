# A two-node cluster sharing one cluster IP, as docs/cluster.md sets it up.
# Source after netns.sh; call cluster_topology after vm_init.
#
#   carol eth0 192.168.0.100 + NSRC sources 10.200.x.y/32 --+ br-ext (ns sw)
#   moon1 ext 192.168.0.1 + cluster IP .5 -----------------+ (snooping off)
#   moon2 ext 192.168.0.2 + cluster IP .5 -----------------+
#   moon1 int 10.1.0.2 + .1, moon2 int 10.1.0.3 + .1 ------- br-int
#
# carol reaches the cluster IP through a static neighbour entry with the
# multicast MAC, so both moons see every frame. $VM_DIR/sources lists
# carol's extra source addresses, one per line.

CIP=192.168.0.5
CMAC=01:00:5e:7f:00:05
IMAC=01:00:5e:7f:00:01
NSRC=${SEG_NSRC:-200}

cluster_port() { # host ifname swname bridge
	ip link add "$2" netns "$VM_PREFIX$1" type veth peer name "$3" netns "${VM_PREFIX}sw" || return 1
	vm_in sw ip link set "$3" master "$4" up
	vm_in "$1" ip link set "$2" up
}

cluster_topology() {
	local h br n i
	for h in sw carol moon1 moon2; do vm_host $h || return 1; done
	for br in br-ext br-int; do
		vm_in sw ip link add $br type bridge mcast_snooping 0 stp_state 0 forward_delay 0
		vm_in sw ip link set $br up
	done
	vm_in sw sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
	cluster_port carol eth0 carol br-ext && cluster_port moon1 ext m1-ext br-ext &&
		cluster_port moon2 ext m2-ext br-ext && cluster_port moon1 int m1-int br-int &&
		cluster_port moon2 int m2-int br-int || return 1
	vm_in carol ip addr add 192.168.0.100/24 dev eth0
	vm_in carol ip neigh replace $CIP lladdr $CMAC nud permanent dev eth0
	for n in 1 2; do
		vm_in moon$n ip addr add 192.168.0.$n/24 dev ext
		vm_in moon$n ip addr add 10.1.0.$((n + 1))/24 dev int
		vm_in moon$n ip route add 10.200.0.0/16 via 192.168.0.100
	done
	for ((i = 0; i < NSRC; i++)); do echo "10.200.$((i / 250)).$((i % 250 + 1))"; done \
		>"$VM_DIR/sources"
	sed 's|^|addr add |; s|$|/32 dev eth0|' "$VM_DIR/sources" | vm_in carol ip -batch -
}
