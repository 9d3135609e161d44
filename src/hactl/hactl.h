/*
 * hactl internals: readable renderings of the daemon's replies (reply shapes
 * in docs/hactl.8.md). Each takes the reply's "result" object (borrowed) and
 * prints to f; missing or mistyped members print as "-" or 0, never crash.
 */
#ifndef IKN_HACTL_HACTL_H
#define IKN_HACTL_HACTL_H

#include <stdint.h>
#include <stdio.h>

struct json_object;

void hactl_print_status(FILE *f, struct json_object *r);
void hactl_print_list_sas(FILE *f, struct json_object *r);
void hactl_print_list_conns(FILE *f, struct json_object *r);
void hactl_print_initiate(FILE *f, struct json_object *r);
void hactl_print_terminate(FILE *f, struct json_object *r);
void hactl_print_reload(FILE *f, struct json_object *r);
void hactl_print_stats(FILE *f, struct json_object *r);
void hactl_print_segments(FILE *f, struct json_object *r);
void hactl_print_segment(FILE *f, struct json_object *r);
/* Any other result: indented JSON. */
void hactl_print_json(FILE *f, struct json_object *r);
/* A duration in seconds, compactly: "42s", "5m 06s", "2h 03m", "3d 04h". */
void hactl_fmt_duration(char *buf, size_t len, int64_t s);

#endif
