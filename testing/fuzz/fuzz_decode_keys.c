/* The key-table parser of ikenode-decode on arbitrary text. */
#include <stddef.h>
#include <stdint.h>

#include "ikenode/decode_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_keys *keys = NULL;
	char err[256];
	uint8_t spi[8] = { 0 };

	if (decode_keys_parse((const char *)data, size, &keys, err, sizeof(err)) == 0) {
		(void)decode_keys_find(keys, spi, spi);
		decode_keys_free(keys);
	}
	return 0;
}
