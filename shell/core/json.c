// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON writer (RFC 8259) behind a command's --json: objects and arrays
// nest up to KD_JSON_MAX_DEPTH, commas are placed per nesting level, and
// strings from the dump are escaped so the document is always valid.  It
// writes to the session's current output stream.
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "session_priv.h"

bool kd_json_mode(const struct kd_session *s)
{
	return s->json;
}

static void json_escape(FILE *f, const char *v, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];
		switch (ch) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			// Dump bytes are not UTF-8 in general: escape anything non-ASCII
			// as the Latin-1 code point, so the document is always valid.
			if (ch < 0x20 || ch >= 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

static void json_key(struct kd_session *s, const char *key)
{
	int d = s->json_depth;
	if (d > 0 && d <= KD_JSON_MAX_DEPTH) {
		if (s->json_need_comma[d - 1])
			fputc(',', s->out);
		s->json_need_comma[d - 1] = true;
	}
	if (key) {
		json_escape(s->out, key, strlen(key));
		fputc(':', s->out);
	}
}

static void json_open(struct kd_session *s, const char *key, char c)
{
	json_key(s, key);
	fputc(c, s->out);
	if (s->json_depth < KD_JSON_MAX_DEPTH)
		s->json_need_comma[s->json_depth] = false;
	s->json_depth++;
}

static void json_close(struct kd_session *s, char c)
{
	fputc(c, s->out);
	if (s->json_depth > 0)
		s->json_depth--;
	if (s->json_depth == 0)
		fputc('\n', s->out);
}

void kd_json_begin_object(struct kd_session *s, const char *key) { json_open(s, key, '{'); }
void kd_json_end_object(struct kd_session *s) { json_close(s, '}'); }
void kd_json_begin_array(struct kd_session *s, const char *key) { json_open(s, key, '['); }
void kd_json_end_array(struct kd_session *s) { json_close(s, ']'); }

void kd_json_string(struct kd_session *s, const char *key, const char *val)
{
	if (!val) {
		kd_json_null(s, key);
		return;
	}
	kd_json_string_n(s, key, val, strlen(val));
}

void kd_json_string_n(struct kd_session *s, const char *key, const char *val, size_t len)
{
	json_key(s, key);
	json_escape(s->out, val, len);
}

void kd_json_u64(struct kd_session *s, const char *key, uint64_t val)
{
	json_key(s, key);
	fprintf(s->out, "%" PRIu64, val);
}

void kd_json_i64(struct kd_session *s, const char *key, int64_t val)
{
	json_key(s, key);
	fprintf(s->out, "%" PRId64, val);
}

void kd_json_hex(struct kd_session *s, const char *key, uint64_t val)
{
	json_key(s, key);
	fprintf(s->out, "\"0x%" PRIx64 "\"", val);
}

void kd_json_bool(struct kd_session *s, const char *key, bool val)
{
	json_key(s, key);
	fputs(val ? "true" : "false", s->out);
}

void kd_json_null(struct kd_session *s, const char *key)
{
	json_key(s, key);
	fputs("null", s->out);
}
