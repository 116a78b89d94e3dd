/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file vmcoreinfo.h
 * VMCOREINFO: the kernel's own description of its layout, from the dump's
 * note, a --vmcoreinfo file, or derived.  Part of <kdive/session.h>.
 */
#ifndef KDIVE_VMCOREINFO_H
#define KDIVE_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** The raw value of a VMCOREINFO key ("OSRELEASE", "SYMBOL(init_task)"), or NULL. */
KD_API const char *kd_vmcoreinfo_get(const struct kd_session *s, const char *key);
/**
 * A numeric VMCOREINFO value.  SYMBOL() and ADDRESS() values are hex as the
 * kernel writes them, everything else decimal unless it has a 0x prefix;
 * KERNELOFFSET is hex.  KD_ERR_NOTFOUND if absent, KD_ERR_CORRUPT if unparsable.
 */
KD_API struct kd_error *kd_vmcoreinfo_number(const struct kd_session *s, const char *key,
					     uint64_t *ret);
/** Number of VMCOREINFO entries, and the i-th key/value (in dump order). */
KD_API size_t kd_vmcoreinfo_count(const struct kd_session *s);
KD_API void kd_vmcoreinfo_entry(const struct kd_session *s, size_t i, const char **key,
				const char **value);
/** Where VMCOREINFO came from ("ELF note", "--vmcoreinfo FILE", NULL if none). */
KD_API const char *kd_vmcoreinfo_source(const struct kd_session *s);

#endif
