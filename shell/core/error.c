// SPDX-License-Identifier: GPL-3.0-or-later
// Error objects: creation, context prefixing, destruction.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/error.h>

struct kd_error kd_enomem = { .code = KD_ERR_NOMEM, .msg = (char *)"out of memory" };

struct kd_error *kd_error_vcreate(enum kd_errcode code, const char *fmt, va_list ap)
{
	struct kd_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &kd_enomem;
	err->code = code;
	if (vasprintf(&err->msg, fmt, ap) < 0) {
		free(err);
		return &kd_enomem;
	}
	return err;
}

struct kd_error *kd_error_create(enum kd_errcode code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kd_error *err = kd_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct kd_error *kd_error_os(int errnum, const char *fmt, ...)
{
	char *what;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (r < 0)
		return &kd_enomem;
	struct kd_error *err = kd_error_create(KD_ERR_OS, "%s: %s", what, strerror(errnum));
	free(what);
	if (err != &kd_enomem)
		err->errnum = errnum;
	return err;
}

struct kd_error *kd_error_addr(enum kd_errcode code, uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kd_error *err = kd_error_vcreate(code, fmt, ap);
	va_end(ap);
	if (err != &kd_enomem) {
		err->has_addr = true;
		err->addr = addr;
	}
	return err;
}

struct kd_error *kd_error_prefix(struct kd_error *err, const char *fmt, ...)
{
	if (!err || err == &kd_enomem)
		return err;
	char *outer, *msg;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&outer, fmt, ap);
	va_end(ap);
	if (r < 0)
		return err;
	if (asprintf(&msg, "%s: %s", outer, err->msg) >= 0) {
		free(err->msg);
		err->msg = msg;
	}
	free(outer);
	return err;
}

struct kd_error *kd_error_copy(const struct kd_error *err)
{
	if (!err)
		return NULL;
	if (err == &kd_enomem)
		return &kd_enomem;
	struct kd_error *c = kd_error_create(err->code, "%s", err->msg);
	if (c != &kd_enomem) {
		c->errnum = err->errnum;
		c->has_addr = err->has_addr;
		c->addr = err->addr;
	}
	return c;
}

void kd_error_destroy(struct kd_error *err)
{
	if (!err || err == &kd_enomem)
		return;
	free(err->msg);
	free(err);
}

bool kd_error_catch(struct kd_error **errp, enum kd_errcode code)
{
	if (*errp && (*errp)->code == code) {
		kd_error_destroy(*errp);
		*errp = NULL;
		return true;
	}
	return false;
}
