#include <check.h>
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "common/secret.h"

START_TEST(test_buf_input)
{
	uint8_t out[4];
	size_t n;

	ck_assert_int_eq(hex_decode(NULL, out, sizeof(out), &n), -EINVAL);
	ck_assert_int_eq(hex_decode("abc", out, sizeof(out), &n), -EBADMSG);
	ck_assert_int_eq(hex_decode("zz", out, sizeof(out), &n), -EBADMSG);
	ck_assert_int_eq(hex_decode("0102030405", out, sizeof(out), &n), -ENOBUFS);
	ck_assert_int_eq(secret_alloc(NULL, 4), -EINVAL);
}
END_TEST

START_TEST(test_buf_read_big_endian)
{
	static const uint8_t in[] = { 1, 0x02, 0x03, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct rbuf r = rbuf_init(in, sizeof(in));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	ck_assert_int_eq(rbuf_get_u8(&r, &u8), 0);
	ck_assert_uint_eq(u8, 1);
	ck_assert_int_eq(rbuf_get_u16(&r, &u16), 0);
	ck_assert_uint_eq(u16, 0x0203);
	ck_assert_int_eq(rbuf_get_u32(&r, &u32), 0);
	ck_assert_uint_eq(u32, 0x04050607);
	ck_assert_int_eq(rbuf_get_u64(&r, &u64), 0);
	ck_assert_uint_eq(u64, 0x08090a0b0c0d0e0fULL);
	ck_assert_uint_eq(rbuf_left(&r), 0);
}
END_TEST

START_TEST(test_buf_read_past_end_leaves_cursor)
{
	static const uint8_t in[] = { 1, 2, 3 };
	struct rbuf r = rbuf_init(in, sizeof(in)), sub;
	uint32_t u32;
	uint16_t u16;

	ck_assert_int_eq(rbuf_get_u32(&r, &u32), -EBADMSG);
	ck_assert_uint_eq(rbuf_left(&r), 3);
	ck_assert_int_eq(rbuf_sub(&r, &sub, 4), -EBADMSG);
	ck_assert_int_eq(rbuf_skip(&r, SIZE_MAX), -EBADMSG);
	ck_assert_int_eq(rbuf_sub(&r, &sub, 2), 0);
	ck_assert_uint_eq(rbuf_left(&r), 1);
	ck_assert_int_eq(rbuf_get_u16(&sub, &u16), 0);
	ck_assert_uint_eq(u16, 0x0102);
	ck_assert_int_eq(rbuf_get_u8(&sub, (uint8_t *)&u16), -EBADMSG);
}
END_TEST

START_TEST(test_buf_write_and_patch)
{
	uint8_t out[7];
	struct wbuf w = wbuf_init(out, sizeof(out));
	size_t len_at;

	ck_assert_int_eq(wbuf_put_u8(&w, 0xaa), 0);
	ck_assert_int_eq(wbuf_reserve(&w, 2, &len_at), 0);
	ck_assert_int_eq(wbuf_put_u32(&w, 0x01020304), 0);
	ck_assert_int_eq(wbuf_set_u16(&w, len_at, 0xbeef), 0);
	ck_assert_int_eq(wbuf_put_u8(&w, 0), -ENOBUFS);
	ck_assert_uint_eq(w.len, 7);
	ck_assert_int_eq(wbuf_set_u16(&w, 6, 1), -EINVAL);
	static const uint8_t want[] = { 0xaa, 0xbe, 0xef, 1, 2, 3, 4 };
	ck_assert_mem_eq(out, want, sizeof(want));
}
END_TEST

START_TEST(test_buf_hex_round_trip)
{
	uint8_t out[8];
	char hex[17];
	size_t n;

	ck_assert_int_eq(hex_decode("0xDE:ad be\nEF", out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 4);
	hex_encode(out, n, hex);
	ck_assert_str_eq(hex, "deadbeef");
}
END_TEST

START_TEST(test_buf_secret_wiped_and_compared)
{
	struct secret a, b, c;

	ck_assert_int_eq(secret_dup(&a, "key!", 4), 0);
	ck_assert_int_eq(secret_dup(&b, "key!", 4), 0);
	ck_assert_int_eq(secret_dup(&c, "key?", 4), 0);
	ck_assert(secret_equal(&a, &b));
	ck_assert(!secret_equal(&a, &c));
	secret_free(&a);
	ck_assert_ptr_null(a.ptr);
	ck_assert_uint_eq(a.len, 0);
	secret_free(&a); /* twice is harmless */
	secret_free(NULL);
	secret_free(&b);
	secret_free(&c);
}
END_TEST

Suite *buf_suite(void);
Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_buf_input);
	tcase_add_test(tc, test_buf_read_big_endian);
	tcase_add_test(tc, test_buf_read_past_end_leaves_cursor);
	tcase_add_test(tc, test_buf_write_and_patch);
	tcase_add_test(tc, test_buf_hex_round_trip);
	tcase_add_test(tc, test_buf_secret_wiped_and_compared);
	suite_add_tcase(s, tc);
	return s;
}
