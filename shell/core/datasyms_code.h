/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Data symbols found in the kernel's own code (datasyms_code.c), for
 * datasyms.c: the addresses a text function forms and what it does with
 * them (loads of a width, arguments of calls), decoded from its
 * instructions, and the table of variables found that way.
 */
#ifndef KD_CORE_DATASYMS_CODE_H
#define KD_CORE_DATASYMS_CODE_H

#include <stddef.h>
#include <stdint.h>

#include <kdive/session.h>

#include "symtab.h"

enum { KD_CODE_MAX_USES = 96 };

/* One use of an address a function forms from its instructions. */
struct kd_code_use {
	uint64_t target;   /* the address */
	uint8_t width;     /* bytes loaded from it (1, 2, 4, 8); 0: the address itself */
	uint8_t arg;       /* callee != 0: the argument register it was passed in */
	uint64_t callee;   /* the function it was passed to, 0 if none */
};

/*
 * The uses in the first bytes of the function at addr (size 0: unknown),
 * in instruction order; 0 when the machine's code is not decoded (only
 * A64 is) or unreadable.
 */
size_t kd_code_uses(struct kd_session *s, uint64_t addr, uint64_t size, struct kd_code_use *out,
		    size_t max);

/* The distinct addresses of those uses, in order of first appearance. */
size_t kd_code_targets(struct kd_session *s, uint64_t addr, uint64_t size, uint64_t *out, size_t max);

/* The variables of datasyms_code.c's table that t lacks. */
void kd_datasyms_code(struct kd_session *s, struct kd_symtab *t);

#endif
