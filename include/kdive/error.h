/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file error.h
 * Error objects.  Every fallible kdive function returns a struct kd_error *,
 * NULL meaning success (the drgn convention).  Messages are lowercase, say what
 * failed first and carry the address for memory faults.
 */
#ifndef KDIVE_ERROR_H
#define KDIVE_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#ifndef KD_API
#define KD_API __attribute__((visibility("default")))
#endif
#define KD_PRINTF(a, b) __attribute__((format(printf, a, b)))

/** What kind of failure an error is. */
enum kd_errcode {
	KD_ERR_NOMEM = 1,   /**< out of memory */
	KD_ERR_OS,          /**< a system call failed; errnum is set */
	KD_ERR_USAGE,       /**< bad command line */
	KD_ERR_FAULT,       /**< address not mapped / not in the dump's address ranges */
	KD_ERR_NODATA,      /**< page exists but was excluded from the dump */
	KD_ERR_NOTFOUND,    /**< symbol, key, command... not found */
	KD_ERR_CORRUPT,     /**< the dump is malformed */
	KD_ERR_UNSUPPORTED, /**< not supported (format, arch, missing library) */
	KD_ERR_INTERRUPTED, /**< Ctrl-C */
};

/** An error.  Create with the kd_error_* constructors, free with kd_error_destroy(). */
struct kd_error {
	enum kd_errcode code;
	int errnum;      /**< errno for KD_ERR_OS, else 0 */
	bool has_addr;   /**< addr is meaningful */
	uint64_t addr;   /**< faulting address for FAULT/NODATA */
	char *msg;       /**< the full message */
};

/** Preallocated out-of-memory error; destroying it is a no-op. */
KD_API extern struct kd_error kd_enomem;

/** A new error with a printf-style message. */
KD_API struct kd_error *kd_error_create(enum kd_errcode code, const char *fmt, ...) KD_PRINTF(2, 3);
/** Like kd_error_create() with a va_list. */
KD_API struct kd_error *kd_error_vcreate(enum kd_errcode code, const char *fmt, va_list ap);
/** An OS error: "<what>: strerror(errnum)". */
KD_API struct kd_error *kd_error_os(int errnum, const char *fmt, ...) KD_PRINTF(2, 3);
/** A memory error (FAULT or NODATA) naming the address. */
KD_API struct kd_error *kd_error_addr(enum kd_errcode code, uint64_t addr, const char *fmt, ...)
	KD_PRINTF(3, 4);
/** Prepend context to an error's message ("outer: inner"); returns err. */
KD_API struct kd_error *kd_error_prefix(struct kd_error *err, const char *fmt, ...) KD_PRINTF(2, 3);
/** A copy of err (NULL gives NULL), to hand a kept error to a caller who destroys it. */
KD_API struct kd_error *kd_error_copy(const struct kd_error *err);
/** Free an error (NULL and kd_enomem accepted). */
KD_API void kd_error_destroy(struct kd_error *err);
/** If *errp has the given code, destroy it, set *errp to NULL and return true. */
KD_API bool kd_error_catch(struct kd_error **errp, enum kd_errcode code);

#endif
