/*
 * uesp_route: routes and the rule into uesp's TUN device (uesp_route.h).
 */
#include "kernel/uesp_route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "common/log.h"
#include "common/prefix.h"

/* a prefix list longer than this for one selector is not routed (logged) */
#define UESP_MAX_PREFIXES 64

struct uesp_route {
	struct uesp_route *next;
	int family;
	uint8_t addr[16];
	uint8_t plen;
	uint32_t refs;
};

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static const uint8_t *sa_addr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	return (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
}

static int nl_err(int e)
{
	switch (-e) {
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	default:
		return -EIO;
	}
}

/*
 * A local address inside the policy's source selector, so that what the
 * host itself sends into the tunnel leaves with an address the peer's
 * selectors accept (as strongSwan's route source). false if there is none.
 */
static bool local_src(const struct kernel_ts *src, uint8_t out[16])
{
	struct ifaddrs *ifs, *i;
	size_t n = addr_len(src->family);
	bool found = false;

	if (getifaddrs(&ifs))
		return false;
	for (i = ifs; i && !found; i = i->ifa_next) {
		const uint8_t *a;

		if (!i->ifa_addr || i->ifa_addr->sa_family != src->family ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		a = sa_addr(i->ifa_addr);
		if (src->family == AF_INET6 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
			continue; /* link-local: no source for routed traffic */
		if (memcmp(a, src->from, n) >= 0 && memcmp(a, src->to, n) <= 0) {
			memcpy(out, a, n);
			found = true;
		}
	}
	freeifaddrs(ifs);
	return found;
}

static int route_change(struct uesp_routes *u, int family, const uint8_t *addr, uint8_t plen, bool add,
			const uint8_t *pref_src)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(family, addr, addr_len(family));
	int rc;

	if (!r || !nh || !dst) {
		rtnl_route_put(r);
		rtnl_route_nh_free(nh);
		nl_addr_put(dst);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(dst, plen);
	rtnl_route_set_family(r, (uint8_t)family);
	rtnl_route_set_table(r, u->table);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rc = rtnl_route_set_dst(r, dst);
	nl_addr_put(dst);
	if (!rc && pref_src) {
		struct nl_addr *ps = nl_addr_build(family, pref_src, addr_len(family));

		rc = ps ? rtnl_route_set_pref_src(r, ps) : -NLE_NOMEM;
		nl_addr_put(ps);
	}
	rtnl_route_nh_set_ifindex(nh, u->ifindex);
	rtnl_route_add_nexthop(r, nh);
	if (!rc)
		rc = add ? rtnl_route_add(u->nl, r, NLM_F_CREATE | NLM_F_REPLACE)
			 : rtnl_route_delete(u->nl, r, 0);
	rtnl_route_put(r);
	return rc ? nl_err(rc) : 0;
}

/* `ip rule add not fwmark M lookup T prio T`: libnl has no setter for FIB_RULE_INVERT. */
static int rule_change(struct uesp_routes *u, int family, bool add)
{
	struct rtnl_rule *r = rtnl_rule_alloc();
	struct nl_msg *msg = NULL;
	struct fib_rule_hdr *frh;
	int rc;

	if (!r)
		return -ENOMEM;
	rtnl_rule_set_family(r, family);
	rtnl_rule_set_prio(r, u->table);
	rtnl_rule_set_table(r, u->table);
	rtnl_rule_set_mark(r, u->fwmark);
	rtnl_rule_set_mask(r, 0xffffffffu);
	rtnl_rule_set_action(r, FR_ACT_TO_TBL);
	rc = add ? rtnl_rule_build_add_request(r, NLM_F_CREATE | NLM_F_EXCL, &msg)
		 : rtnl_rule_build_delete_request(r, 0, &msg);
	rtnl_rule_put(r);
	if (rc < 0)
		return nl_err(rc);
	frh = nlmsg_data(nlmsg_hdr(msg));
	frh->flags |= FIB_RULE_INVERT;
	rc = nl_send_auto_complete(u->nl, msg);
	nlmsg_free(msg);
	if (rc >= 0)
		rc = nl_wait_for_ack(u->nl);
	if (rc < 0 && add && rc == -NLE_EXIST)
		rc = 0; /* left by a previous run: the same rule */
	return rc < 0 ? nl_err(rc) : 0;
}

struct route_walk {
	struct uesp_routes *u;
	int family;
	bool add;
	int rc;
	const uint8_t *pref_src; /* NULL: the kernel picks */
};

static void route_ref(void *ctx, const uint8_t *addr, unsigned int plen)
{
	struct route_walk *w = ctx;
	struct uesp_routes *u = w->u;
	size_t n = addr_len(w->family);
	struct uesp_route **pp, *r;

	for (pp = &u->list; *pp; pp = &(*pp)->next)
		if ((*pp)->family == w->family && (*pp)->plen == plen &&
		    !memcmp((*pp)->addr, addr, n))
			break;
	r = *pp;
	if (w->add) {
		if (r) {
			r->refs++;
			return;
		}
		r = calloc(1, sizeof(*r));
		if (!r) {
			w->rc = -ENOMEM;
			return;
		}
		r->family = w->family;
		memcpy(r->addr, addr, n);
		r->plen = plen;
		r->refs = 1;
		int rc = route_change(u, w->family, addr, plen, true, w->pref_src);
		if (rc) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(w->family, addr, a, sizeof(a));
			log_knl(LOG_WARNING, "uesp: route %s/%u via %s: %s", a, plen,
				u->dev, strerror(-rc));
		}
		r->next = u->list;
		u->list = r;
		return;
	}
	if (!r || --r->refs)
		return;
	*pp = r->next;
	(void)!route_change(u, w->family, addr, plen, false, NULL);
	free(r);
}

int uesp_routes_policy(struct uesp_routes *u, const struct kernel_policy *p, bool add)
{
	struct route_walk w = { u, p->dst.family, add, 0, NULL };
	uint8_t src[16];
	int n;

	if (p->dir != KERNEL_DIR_OUT)
		return 0;
	if (add && local_src(&p->src, src))
		w.pref_src = src;
	n = prefix_cover(p->dst.from, p->dst.to, addr_len(p->dst.family), UESP_MAX_PREFIXES,
			 route_ref, &w);
	if (n == -E2BIG)
		log_knl(LOG_WARNING, "uesp: a selector needs more than %d routes: not routed",
			UESP_MAX_PREFIXES);
	if (add && ((p->dst.family == AF_INET && !u->rule4) ||
		    (p->dst.family == AF_INET6 && !u->rule6))) {
		int rc = rule_change(u, p->dst.family, true);

		if (rc)
			log_knl(LOG_WARNING, "uesp: rule to table %u: %s", u->table,
				strerror(-rc));
		else if (p->dst.family == AF_INET)
			u->rule4 = true;
		else
			u->rule6 = true;
	}
	return w.rc;
}

/* ---- the packet path ---- */

int uesp_routes_init(struct uesp_routes *r, int ifindex, const char *dev, uint32_t table,
		     uint32_t fwmark)
{
	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	r->dev = dev;
	r->table = table;
	r->fwmark = fwmark;
	r->nl = nl_socket_alloc();
	if (!r->nl || nl_connect(r->nl, NETLINK_ROUTE) < 0) {
		nl_socket_free(r->nl);
		r->nl = NULL;
		return -EIO;
	}
	return 0;
}

void uesp_routes_fini(struct uesp_routes *r)
{
	if (!r->nl)
		return;
	if (r->rule4)
		(void)!rule_change(r, AF_INET, false);
	if (r->rule6)
		(void)!rule_change(r, AF_INET6, false);
	while (r->list) {
		struct uesp_route *e = r->list;

		r->list = e->next;
		free(e);
	}
	nl_socket_free(r->nl);
	r->nl = NULL;
}
