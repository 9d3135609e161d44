/* Name lookups generated from the X-macro lists of ike_names.h. */
#include "ikenode/ike_names.h"

#include <stddef.h>

#include "common/defs.h"

struct name_entry {
	unsigned int value;
	const char *name;
};

#define NAME_ENTRY_(s, v, n) { v, n },

static const char *lookup(const struct name_entry *t, size_t n, unsigned int value)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

#define NAME_FN_(fn, list)                                            \
	const char *fn(unsigned int value)                            \
	{                                                             \
		static const struct name_entry t[] = { list(NAME_ENTRY_) }; \
		return lookup(t, ARRAY_SIZE(t), value);               \
	}

NAME_FN_(ike_exchange_name, IKE_EXCHANGE_LIST)
NAME_FN_(ike_payload_name, IKE_PAYLOAD_LIST)
NAME_FN_(ike_notify_name, IKE_NOTIFY_LIST)
NAME_FN_(ike_proto_name, IKE_PROTO_LIST)
NAME_FN_(ike_transform_type_name, IKE_TRANSFORM_TYPE_LIST)
NAME_FN_(ike_tattr_name, IKE_TATTR_LIST)
NAME_FN_(ike_id_type_name, IKE_ID_LIST)
NAME_FN_(ike_cert_encoding_name, IKE_CERT_LIST)
NAME_FN_(ike_auth_method_name, IKE_AUTH_LIST)
NAME_FN_(ike_cfg_type_name, IKE_CFG_LIST)
NAME_FN_(ike_cfg_attr_name, IKE_CFG_ATTR_LIST)
NAME_FN_(ike_ts_type_name, IKE_TS_LIST)
NAME_FN_(ike_eap_code_name, IKE_EAP_CODE_LIST)
NAME_FN_(ike_eap_type_name, IKE_EAP_TYPE_LIST)

static NAME_FN_(encr_name, IKE_ENCR_LIST)
static NAME_FN_(prf_name, IKE_PRF_LIST)
static NAME_FN_(integ_name, IKE_INTEG_LIST)
static NAME_FN_(dh_name, IKE_DH_LIST)
static NAME_FN_(esn_name, IKE_ESN_LIST)

const char *ike_transform_name(unsigned int type, unsigned int id)
{
	switch (type) {
	case IKE_TT_ENCR:
		return encr_name(id);
	case IKE_TT_PRF:
		return prf_name(id);
	case IKE_TT_INTEG:
		return integ_name(id);
	case IKE_TT_DH:
		return dh_name(id);
	case IKE_TT_ESN:
		return esn_name(id);
	default:
		return NULL;
	}
}
