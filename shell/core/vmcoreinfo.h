/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VMCOREINFO: the "KEY=VALUE\n" text the kernel exports for dump tools
 * (kernel/vmcore_info.c, arch/x86/kernel/vmcore_info_64.c).
 */
#ifndef KD_CORE_VMCOREINFO_H
#define KD_CORE_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_vmcoreinfo {
	char *text;     // owned copy, keys and values point into it
	size_t n;
	char **keys;
	char **values;
};

/* Parse text (not necessarily NUL-terminated).  Lines without '=' are skipped;
 * a later duplicate key overrides an earlier one on lookup. */
struct kd_error *kd_vmcoreinfo_parse(struct kd_vmcoreinfo *v, const char *text, size_t len);
void kd_vmcoreinfo_deinit(struct kd_vmcoreinfo *v);
const char *kd_vmcoreinfo_lookup(const struct kd_vmcoreinfo *v, const char *key);
struct kd_error *kd_vmcoreinfo_value_number(const struct kd_vmcoreinfo *v, const char *key,
					    uint64_t *ret);

#endif
