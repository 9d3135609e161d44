/*
 * uesp_route: the routes and the rule that lead traffic into uesp's TUN
 * device (kernel_uesp.h): a route per prefix of every outbound policy's
 * destination selector, in their own table, with the host's address inside
 * the policy's source selector as source; the rule `not fwmark M lookup T`
 * in front of the table. Routes are counted: policies sharing a prefix share
 * its route. Through libnl-route; belongs to the loop thread.
 */
#ifndef IKN_KERNEL_UESP_ROUTE_H
#define IKN_KERNEL_UESP_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/defs.h"
#include "kernel/kernel_ipsec.h"

struct nl_sock;
struct uesp_route;

/* A value the owner embeds; every field is the module's. */
struct uesp_routes {
	struct nl_sock *nl;
	int ifindex;
	const char *dev; /* borrowed: the device's name, for logs */
	uint32_t table, fwmark;
	struct uesp_route *list;
	bool rule4, rule6;
};

/*
 * Opens the rtnetlink socket for routes via ifindex (named dev, borrowed) in
 * table, behind the rule that skips fwmark. 0 or -EIO.
 */
MUST_CHECK int uesp_routes_init(struct uesp_routes *r, int ifindex, const char *dev,
				uint32_t table, uint32_t fwmark);
/* Removes the rules it added and closes the socket (routes go with their policies). */
void uesp_routes_fini(struct uesp_routes *r);
/*
 * Adds (add) or drops one reference to the routes of p's destination
 * selector; only outbound policies have routes. The rule is added with the
 * first route of a family. Failures to install are logged (the policy stays
 * usable for what the host routes itself). 0 or -ENOMEM.
 */
MUST_CHECK int uesp_routes_policy(struct uesp_routes *r, const struct kernel_policy *p, bool add);

#endif
