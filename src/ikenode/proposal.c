/*
 * Proposals: strongSwan keyword strings, RFC 7296 §2.7 selection, codec
 * conversion and log names (proposal.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/settings.h"
#include "ikenode/ike_names.h"
#include "ikenode/proposal.h"

enum {
	KW_AEAD = 1 << 0, /* an AEAD cipher: no INTEG */
	KW_IKE = 1 << 1, /* only in IKE proposals */
	KW_ESP = 1 << 2, /* only in ESP proposals */
};

struct keyword {
	const char *name;
	uint8_t type; /* IKE_TT_* */
	uint16_t id;
	uint16_t key_len;
	uint8_t flags;
};

/* strongSwan's keywords (src/libstrongswan/crypto/proposal/proposal_keywords_static.txt) */
static const struct keyword keywords[] = {
	{ "aes128", IKE_TT_ENCR, IKE_ENCR_AES_CBC, 128, 0 },
	{ "aes192", IKE_TT_ENCR, IKE_ENCR_AES_CBC, 192, 0 },
	{ "aes256", IKE_TT_ENCR, IKE_ENCR_AES_CBC, 256, 0 },
	{ "aes128gcm16", IKE_TT_ENCR, IKE_ENCR_AES_GCM_16, 128, KW_AEAD },
	{ "aes192gcm16", IKE_TT_ENCR, IKE_ENCR_AES_GCM_16, 192, KW_AEAD },
	{ "aes256gcm16", IKE_TT_ENCR, IKE_ENCR_AES_GCM_16, 256, KW_AEAD },
	{ "aes128gcm128", IKE_TT_ENCR, IKE_ENCR_AES_GCM_16, 128, KW_AEAD },
	{ "aes192gcm128", IKE_TT_ENCR, IKE_ENCR_AES_GCM_16, 192, KW_AEAD },
	{ "aes256gcm128", IKE_TT_ENCR, IKE_ENCR_AES_GCM_16, 256, KW_AEAD },
	{ "chacha20poly1305", IKE_TT_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0, KW_AEAD },
	{ "sha1", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA1_96, 0, 0 },
	{ "sha256", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 },
	{ "sha2_256", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 },
	{ "sha384", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0, 0 },
	{ "sha2_384", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0, 0 },
	{ "sha512", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0, 0 },
	{ "sha2_512", IKE_TT_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0, 0 },
	{ "prfsha1", IKE_TT_PRF, IKE_PRF_HMAC_SHA1, 0, KW_IKE },
	{ "prfsha256", IKE_TT_PRF, IKE_PRF_HMAC_SHA2_256, 0, KW_IKE },
	{ "prfsha384", IKE_TT_PRF, IKE_PRF_HMAC_SHA2_384, 0, KW_IKE },
	{ "prfsha512", IKE_TT_PRF, IKE_PRF_HMAC_SHA2_512, 0, KW_IKE },
	{ "modp2048", IKE_TT_DH, IKE_DH_MODP2048, 0, 0 },
	{ "modp3072", IKE_TT_DH, IKE_DH_MODP3072, 0, 0 },
	{ "modp4096", IKE_TT_DH, IKE_DH_MODP4096, 0, 0 },
	{ "ecp256", IKE_TT_DH, IKE_DH_ECP256, 0, 0 },
	{ "ecp384", IKE_TT_DH, IKE_DH_ECP384, 0, 0 },
	{ "ecp521", IKE_TT_DH, IKE_DH_ECP521, 0, 0 },
	{ "x25519", IKE_TT_DH, IKE_DH_CURVE25519, 0, 0 },
	{ "curve25519", IKE_TT_DH, IKE_DH_CURVE25519, 0, 0 },
	{ "x448", IKE_TT_DH, IKE_DH_CURVE448, 0, 0 },
	{ "curve448", IKE_TT_DH, IKE_DH_CURVE448, 0, 0 },
	{ "esn", IKE_TT_ESN, IKE_ESN_YES, 0, KW_ESP },
	{ "noesn", IKE_TT_ESN, IKE_ESN_NO, 0, KW_ESP },
};

/* The PRF strongSwan derives from an integrity algorithm. */
static const struct {
	uint16_t integ, prf;
} integ_prf[] = {
	{ IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1 },
	{ IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256 },
	{ IKE_INTEG_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384 },
	{ IKE_INTEG_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512 },
};

static const char default_ike[] =
	"aes256-aes192-aes128-sha256-sha384-sha512-x25519-ecp256-ecp384-modp3072";
static const char default_esp[] = "aes256-aes192-aes128-sha256-sha384-sha512";
static const char default_ike_aead[] =
	"aes256gcm16-aes128gcm16-chacha20poly1305-"
	"prfsha256-prfsha384-prfsha512-x25519-ecp256-ecp384-modp3072";
static const char default_esp_aead[] = "aes256gcm16-aes128gcm16-chacha20poly1305";

#define DEFAULT_KW "default"

static void set_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

static const struct keyword *keyword_find(const char *tok, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++) {
		if (strlen(keywords[i].name) == len && !memcmp(keywords[i].name, tok, len))
			return &keywords[i];
	}
	return NULL;
}

/* Appends id/key_len to type idx unless present; false when full. */
static bool add_alg(struct proposal *p, unsigned int idx, uint16_t id, uint16_t key_len)
{
	for (size_t i = 0; i < p->n_algs[idx]; i++) {
		if (p->algs[idx][i].id == id && p->algs[idx][i].key_len == key_len)
			return true;
	}
	if (p->n_algs[idx] >= PROPOSAL_MAX_ALGS)
		return false;
	p->algs[idx][p->n_algs[idx]].id = id;
	p->algs[idx][p->n_algs[idx]].key_len = key_len;
	p->n_algs[idx]++;
	return true;
}

static int check_complete(struct proposal *p, const char *str, unsigned int n_aead,
			  unsigned int n_plain, char *err, size_t err_len)
{
	bool ike = p->protocol == IKE_PROTO_IKE;

	if (!p->n_algs[PROPOSAL_I_ENCR]) {
		set_err(err, err_len, "proposal '%s': no encryption algorithm", str);
		return -EINVAL;
	}
	if (n_aead && n_plain) {
		set_err(err, err_len, "proposal '%s': AEAD and non-AEAD ciphers mixed", str);
		return -EINVAL;
	}
	if (!n_aead && !p->n_algs[PROPOSAL_I_INTEG]) {
		set_err(err, err_len, "proposal '%s': no integrity algorithm", str);
		return -EINVAL;
	}
	if (ike && !p->n_algs[PROPOSAL_I_PRF]) {
		/* derive the PRFs from the integrity algorithms, as strongSwan */
		for (size_t i = 0; i < p->n_algs[PROPOSAL_I_INTEG]; i++) {
			for (size_t k = 0; k < ARRAY_SIZE(integ_prf); k++) {
				if (integ_prf[k].integ == p->algs[PROPOSAL_I_INTEG][i].id &&
				    !add_alg(p, PROPOSAL_I_PRF, integ_prf[k].prf, 0))
					return -EINVAL;
			}
		}
	}
	if (ike && !p->n_algs[PROPOSAL_I_PRF]) {
		set_err(err, err_len, "proposal '%s': %s", str,
			n_aead ? "AEAD proposal needs a prf (e.g. prfsha256)" : "no PRF");
		return -EINVAL;
	}
	if (ike && !p->n_algs[PROPOSAL_I_DH]) {
		set_err(err, err_len, "proposal '%s': no key exchange method (DH group)", str);
		return -EINVAL;
	}
	if (!ike && !p->n_algs[PROPOSAL_I_ESN] && !add_alg(p, PROPOSAL_I_ESN, IKE_ESN_NO, 0))
		return -EINVAL;
	return 0;
}

int proposal_parse(uint8_t protocol, const char *str, struct proposal *out, char *err,
		   size_t err_len)
{
	unsigned int n_aead = 0, n_plain = 0;
	const char *s;

	set_err(err, err_len, "%s", "");
	if (!str || !out || (protocol != IKE_PROTO_IKE && protocol != IKE_PROTO_ESP)) {
		set_err(err, err_len, "invalid arguments");
		return -EINVAL;
	}
	if (!strcmp(str, DEFAULT_KW))
		return proposal_parse(protocol,
				      protocol == IKE_PROTO_IKE ? default_ike : default_esp, out,
				      err, err_len);

	memset(out, 0, sizeof(*out));
	out->protocol = protocol;
	s = str;
	for (;;) {
		const char *dash = strchr(s, '-');
		size_t len = dash ? (size_t)(dash - s) : strlen(s);
		const struct keyword *kw = keyword_find(s, len);
		int ilen = len > 64 ? 64 : (int)len;

		if (!len) {
			set_err(err, err_len, "proposal '%s': empty keyword", str);
			return -EINVAL;
		}
		if (!kw) {
			set_err(err, err_len, "proposal '%s': unknown keyword '%.*s'%s", str, ilen,
				s,
				len == strlen(DEFAULT_KW) && !memcmp(s, DEFAULT_KW, len)
					? " (default must stand alone)"
					: "");
			return -EINVAL;
		}
		if ((kw->flags & KW_IKE) && protocol != IKE_PROTO_IKE) {
			set_err(err, err_len, "proposal '%s': '%s' is for IKE proposals only", str,
				kw->name);
			return -EINVAL;
		}
		if ((kw->flags & KW_ESP) && protocol != IKE_PROTO_ESP) {
			set_err(err, err_len, "proposal '%s': '%s' is for ESP proposals only", str,
				kw->name);
			return -EINVAL;
		}
		if (kw->type == IKE_TT_INTEG && n_aead) {
			set_err(err, err_len,
				"proposal '%s': integrity algorithm '%s' with an AEAD cipher", str,
				kw->name);
			return -EINVAL;
		}
		if (kw->type == IKE_TT_ENCR && (kw->flags & KW_AEAD) &&
		    out->n_algs[PROPOSAL_I_INTEG]) {
			set_err(err, err_len,
				"proposal '%s': AEAD cipher '%s' with an integrity algorithm", str,
				kw->name);
			return -EINVAL;
		}
		if (kw->type == IKE_TT_ENCR) {
			if (kw->flags & KW_AEAD)
				n_aead++;
			else
				n_plain++;
		}
		if (!add_alg(out, kw->type - 1u, kw->id, kw->key_len)) {
			set_err(err, err_len, "proposal '%s': too many %s transforms at '%s'", str,
				ike_transform_type_name(kw->type), kw->name);
			return -EINVAL;
		}
		if (!dash)
			break;
		s = dash + 1;
	}
	return check_complete(out, str, n_aead, n_plain, err, err_len);
}

int proposal_list_parse(uint8_t protocol, const char *value, struct proposal *out, size_t cap,
			size_t *n, char *err, size_t err_len)
{
	char **items = NULL;
	size_t count = 0, k = 0;
	int ret;

	set_err(err, err_len, "%s", "");
	if (!value || !out || !n) {
		set_err(err, err_len, "invalid arguments");
		return -EINVAL;
	}
	*n = 0;
	ret = settings_split_list(value, NULL, &items, &count);
	if (ret < 0) {
		set_err(err, err_len, "cannot split proposal list");
		return ret;
	}
	if (!count) {
		set_err(err, err_len, "empty proposal list");
		ret = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		const char *strs[2] = { items[i], NULL };
		size_t n_strs = 1;

		if (!strcmp(items[i], DEFAULT_KW)) {
			strs[0] = protocol == IKE_PROTO_IKE ? default_ike_aead : default_esp_aead;
			strs[1] = protocol == IKE_PROTO_IKE ? default_ike : default_esp;
			n_strs = 2;
		}
		for (size_t j = 0; j < n_strs; j++) {
			if (k >= cap) {
				set_err(err, err_len, "more than %zu proposals", cap);
				ret = -EINVAL;
				goto out;
			}
			ret = proposal_parse(protocol, strs[j], &out[k], err, err_len);
			if (ret < 0)
				goto out;
			k++;
		}
	}
	*n = k;
	ret = 0;
out:
	free(items);
	return ret;
}

/* A peer transform we understand: no attribute but a TV KEY_LENGTH. */
static bool peer_tf_usable(const struct ike_transform *t, uint16_t *key_len)
{
	*key_len = 0;
	for (size_t i = 0; i < t->n_attrs; i++) {
		if (t->attrs[i].type != IKE_TATTR_KEY_LENGTH || !t->attrs[i].tv)
			return false;
		*key_len = t->attrs[i].tv_value;
	}
	return true;
}

static bool peer_offers(const struct ike_proposal *pp, uint8_t type, uint16_t id, uint16_t key_len)
{
	for (size_t i = 0; i < pp->n_transforms; i++) {
		const struct ike_transform *t = &pp->transforms[i];
		uint16_t kl;

		if (t->type == type && t->id == id && peer_tf_usable(t, &kl) && kl == key_len)
			return true;
	}
	return false;
}

/* Chooses type idx of ours against pp into out; false: no match. */
static bool select_type(const struct proposal *ours, const struct ike_proposal *pp,
			unsigned int idx, uint16_t ke_group, struct proposal *out)
{
	uint8_t type = (uint8_t)(idx + 1);

	if (!ours->n_algs[idx]) {
		bool any = false, none = false;

		for (size_t i = 0; i < pp->n_transforms; i++) {
			if (pp->transforms[i].type != type)
				continue;
			any = true;
			if (pp->transforms[i].id == 0 &&
			    (type == IKE_TT_INTEG || type == IKE_TT_DH))
				none = true;
		}
		return !any || none;
	}
	if (idx == PROPOSAL_I_DH && ke_group) {
		for (size_t i = 0; i < ours->n_algs[idx]; i++) {
			const struct proposal_alg *a = &ours->algs[idx][i];

			if (a->id == ke_group && peer_offers(pp, type, a->id, a->key_len)) {
				out->algs[idx][0] = *a;
				out->n_algs[idx] = 1;
				return true;
			}
		}
	}
	for (size_t i = 0; i < ours->n_algs[idx]; i++) {
		const struct proposal_alg *a = &ours->algs[idx][i];

		if (peer_offers(pp, type, a->id, a->key_len)) {
			out->algs[idx][0] = *a;
			out->n_algs[idx] = 1;
			return true;
		}
	}
	return false;
}

static bool select_pair(const struct proposal *ours, const struct ike_proposal *pp,
			uint16_t ke_group, struct proposal *out)
{
	if (pp->protocol != ours->protocol)
		return false;
	if (ours->protocol == IKE_PROTO_ESP && pp->spi_size != 4)
		return false;
	if (ours->protocol == IKE_PROTO_IKE && pp->spi_size != 0 && pp->spi_size != 8)
		return false;
	if (pp->spi_size && !pp->spi)
		return false;
	memset(out, 0, sizeof(*out));
	out->protocol = ours->protocol;
	for (unsigned int idx = 0; idx < PROPOSAL_N_TYPES; idx++) {
		if (!select_type(ours, pp, idx, ke_group, out))
			return false;
	}
	out->num = pp->num;
	out->spi_size = pp->spi_size;
	if (pp->spi_size)
		memcpy(out->spi, pp->spi, pp->spi_size);
	return true;
}

int proposal_select(const struct proposal *ours, size_t n_ours, const struct ike_proposal *peer,
		    size_t n_peer, uint16_t ke_group, struct proposal *out)
{
	if (!ours || !peer || !out || !n_ours || !n_peer)
		return -EINVAL;
	for (size_t i = 0; i < n_ours; i++) {
		for (size_t k = 0; k < n_peer; k++) {
			if (select_pair(&ours[i], &peer[k], ke_group, out))
				return 0;
		}
	}
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

uint16_t proposal_dh_group(const struct proposal *p)
{
	if (!p || !p->n_algs[PROPOSAL_I_DH])
		return 0;
	return p->algs[PROPOSAL_I_DH][0].id;
}

bool proposal_has_alg(const struct proposal *p, uint8_t type, uint16_t id)
{
	if (!p || type < 1 || type > PROPOSAL_N_TYPES)
		return false;
	for (size_t i = 0; i < p->n_algs[type - 1]; i++) {
		if (p->algs[type - 1][i].id == id)
			return true;
	}
	return false;
}

int proposal_to_ike(const struct proposal *p, uint8_t num, struct proposal_ike *out)
{
	size_t n = 0;

	if (!p || !out || !num || !p->n_algs[PROPOSAL_I_ENCR] || p->spi_size > sizeof(p->spi))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (unsigned int idx = 0; idx < PROPOSAL_N_TYPES; idx++) {
		if (p->n_algs[idx] > PROPOSAL_MAX_ALGS)
			return -EINVAL;
		for (size_t i = 0; i < p->n_algs[idx]; i++) {
			struct ike_transform *t = &out->tf[n];

			t->type = (uint8_t)(idx + 1);
			t->id = p->algs[idx][i].id;
			if (p->algs[idx][i].key_len) {
				out->attrs[n].type = IKE_TATTR_KEY_LENGTH;
				out->attrs[n].tv = true;
				out->attrs[n].tv_value = p->algs[idx][i].key_len;
				t->attrs = &out->attrs[n];
				t->n_attrs = 1;
			}
			n++;
		}
	}
	out->prop.num = num;
	out->prop.protocol = p->protocol;
	out->prop.spi_size = p->spi_size;
	out->prop.spi = p->spi_size ? p->spi : NULL;
	out->prop.transforms = out->tf;
	out->prop.n_transforms = n;
	return 0;
}

struct strbuf {
	char *buf;
	size_t len, pos;
	bool trunc;
};

static void sb_add(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (sb->trunc)
		return;
	va_start(ap, fmt);
	r = vsnprintf(sb->buf + sb->pos, sb->len - sb->pos, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sb->len - sb->pos) {
		sb->trunc = true;
		return;
	}
	sb->pos += (size_t)r;
}

static void alg_to_str(struct strbuf *sb, uint8_t type, const struct proposal_alg *a)
{
	const char *name = ike_transform_name(type, a->id);

	if (type == IKE_TT_ESN) {
		sb_add(sb, "%s",
		       a->id == IKE_ESN_YES  ? "EXT_SEQ"
		       : a->id == IKE_ESN_NO ? "NO_EXT_SEQ"
					     : "ESN_UNKNOWN");
		return;
	}
	if (!name) {
		sb_add(sb, "%s_%u", ike_transform_type_name(type), a->id);
		return;
	}
	if (type == IKE_TT_INTEG && !strncmp(name, "AUTH_", 5))
		name += 5;
	sb_add(sb, "%s", name);
	if (a->key_len)
		sb_add(sb, "_%u", a->key_len);
}

int proposal_to_str(const struct proposal *p, char *buf, size_t len)
{
	static const uint8_t order[] = { IKE_TT_ENCR, IKE_TT_INTEG, IKE_TT_PRF, IKE_TT_DH,
					 IKE_TT_ESN };
	struct strbuf sb = { buf, len, 0, false };
	const char *proto;

	if (!p || !buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	proto = ike_proto_name(p->protocol);
	if (proto)
		sb_add(&sb, "%s:", proto);
	else
		sb_add(&sb, "PROTO_%u:", p->protocol);
	for (size_t k = 0, first = 1; k < ARRAY_SIZE(order); k++) {
		unsigned int idx = order[k] - 1u;

		for (size_t i = 0; i < p->n_algs[idx] && i < PROPOSAL_MAX_ALGS; i++) {
			if (!first)
				sb_add(&sb, "/");
			first = 0;
			alg_to_str(&sb, order[k], &p->algs[idx][i]);
		}
	}
	return sb.trunc ? -ENOBUFS : 0;
}
