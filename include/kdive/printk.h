/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file printk.h
 * The kernel log (printk's buffer) read from the dump, one record at a
 * time, whatever the kernel's buffer format: the lockless ring buffer
 * (Linux 5.10+), the variable-length log_buf records (3.5 to 5.9) or the
 * plain character ring before that, as VMCOREINFO describes.  `log` prints
 * the records; the panic finder and `sys` search them.
 */
#ifndef KDIVE_PRINTK_H
#define KDIVE_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/**
 * One log record.  The pointers are valid during the callback only.  A
 * record that lay on a page the dump lacks has lost set (the reader's
 * message: the address and why) and no text; has_seq false then means
 * that its descriptor or info was lost and only id is known.
 */
struct kd_log_record {
	uint64_t seq;              /**< sequence number (has_seq) */
	bool has_seq;
	uint64_t id;               /**< the lockless ring's descriptor id (0 in older formats) */
	const char *lost;          /**< NULL, or why the record could not be read */
	uint64_t ts_nsec;          /**< local_clock() at the message (has_ts) */
	unsigned level, facility;  /**< syslog level and facility (has_level) */
	bool has_ts, has_level;    /**< false in the plain pre-3.5 buffer */
	bool has_caller;           /**< caller is set (CONFIG_PRINTK_CALLER, 5.1+) */
	uint32_t caller;           /**< bit 31: a CPU number, else a thread id */
	const unsigned char *text; /**< not NUL-terminated; may hold any byte */
	size_t len;
	const char *subsys, *device; /**< dev_printk info, not NUL-terminated */
	size_t sublen, devlen;
};

/** Called per record, oldest first (lost ones included); return nonzero to stop. */
typedef int kd_log_fn(struct kd_session *s, const struct kd_log_record *r, void *arg);

/**
 * Call fn for every record of the kernel log, oldest first.  Needs
 * VMCOREINFO (and the dump's types when VMCOREINFO lacks the printk
 * layout); KD_ERR_NOTFOUND when VMCOREINFO describes no log buffer,
 * KD_ERR_CORRUPT when the buffer's description is impossible.  A page of
 * the buffer that cannot be read costs the records on it (passed with
 * lost set), not the walk.
 */
KD_API struct kd_error *kd_log_foreach(struct kd_session *s, kd_log_fn *fn, void *arg);

#endif
