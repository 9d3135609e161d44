/*
 * The swanctl.conf loader on arbitrary bytes: settings_parse_buffer() (includes disabled), then
 * config_swanctl_load(). A load fails exactly when it reported errors; every problem formats;
 * every loaded selector prints; lookups run on whatever loaded; everything is freed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/settings.h"
#include "ikenode/config_swanctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_loaded(const struct config *cfg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a010203) };
	char buf[160];

	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct conn_cfg *c = &cfg->conns[i];

		if (config_find_conn(cfg, c->name) != c || !c->proposals.count ||
		    !c->local_addrs.count || !c->remote_addrs.count)
			abort();
		(void)config_addr_list_matches(&c->local_addrs, (const struct sockaddr *)&sin);
		(void)config_addr_list_matches(&c->remote_addrs, (const struct sockaddr *)&sin);
		for (size_t j = 0; j < c->n_children; j++) {
			const struct child_cfg *ch = &c->children[j];

			if (!ch->local_ts.count || !ch->remote_ts.count || !ch->esp_proposals.count)
				abort();
			for (size_t k = 0; k < ch->local_ts.count; k++)
				if (config_ts_to_str(&ch->local_ts.items[k], buf, sizeof(buf)) ==
				    -EINVAL)
					abort();
		}
	}
	for (size_t i = 0; i < cfg->n_secrets; i++)
		if (!cfg->secrets[i].secret.len)
			abort();
	(void)config_find_psk(cfg, "moon.strongswan.org", "carol@strongswan.org");
	(void)config_find_psk(cfg, NULL, "192.168.0.100");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings *s = NULL;
	struct config *cfg = NULL;
	struct config_diag diag;
	char line[512];
	int rc;

	if (settings_parse_buffer("fuzz.conf", (const char *)data, size, NULL, &s, NULL))
		return 0;
	config_diag_init(&diag);
	rc = config_swanctl_load(settings_root(s), &cfg, &diag);
	if (rc == 0) {
		if (diag.errors)
			abort();
		check_loaded(cfg);
	} else if (rc == -EBADMSG) {
		if (!diag.errors || cfg)
			abort();
	} else if (rc != -ENOMEM) {
		abort();
	}
	for (size_t i = 0; i < diag.count; i++) {
		rc = config_diag_format(&diag.items[i], line, sizeof(line));
		if (rc != 0 && rc != -ENOBUFS)
			abort();
	}
	config_free(cfg);
	config_diag_clear(&diag);
	settings_free(s);
	return 0;
}
