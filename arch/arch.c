// SPDX-License-Identifier: GPL-3.0-or-later
// Architecture layer: chooses the backend for the dump's machine and
// implements kd_translate / kd_read_virt on top of it.
// (Interim version: only the x86_64 kernel-text mapping, va -
// __START_KERNEL_map + phys_base, as in arch/x86/include/asm/page_64.h
// __phys_addr_nodebug; the page-table walk replaces it.)
#include <inttypes.h>

#include "core/session_priv.h"

struct kd_error *kd_arch_init(struct kd_session *s)
{
	(void)s;
	return NULL;
}

struct kd_error *kd_arch_post_symbols(struct kd_session *s)
{
	(void)s;
	return NULL;
}

void kd_arch_fini(struct kd_session *s)
{
	(void)s;
}

enum { X86_64_START_KERNEL_MAP = 0xffffffff80000000ull, X86_64_KTEXT_SIZE = 1ull << 30 };

struct kd_error *kd_translate(struct kd_session *s, const struct kd_as *as, uint64_t va,
			      uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	uint64_t phys_base;
	if ((!as || as->kind == KD_AS_KERNEL) && va >= X86_64_START_KERNEL_MAP &&
	    va - X86_64_START_KERNEL_MAP < X86_64_KTEXT_SIZE &&
	    kd_vmcoreinfo_get(s, "NUMBER(phys_base)")) {
		struct kd_error *err = kd_vmcoreinfo_number(s, "NUMBER(phys_base)", &phys_base);
		if (!err) {
			*pa_ret = va - X86_64_START_KERNEL_MAP + phys_base;
			if (pagesize_ret)
				*pagesize_ret = s->page_size;
			return NULL;
		}
		kd_error_destroy(err); // unparsable: as if absent
	}
	return kd_error_addr(KD_ERR_FAULT, va, "cannot translate 0x%" PRIx64 ": page tables not supported yet", va);
}

struct kd_error *kd_read_virt(struct kd_session *s, const struct kd_as *as, uint64_t va, void *buf,
			      size_t len)
{
	char *p = buf;
	while (len) {
		uint64_t in_page = s->page_size - (va & (s->page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		uint64_t pa;
		struct kd_error *err = kd_translate(s, as, va, &pa, NULL);
		if (!err)
			err = kd_read_phys(s, pa, p, n);
		if (err)
			return err;
		p += n;
		va += n;
		len -= n;
	}
	return NULL;
}

struct kd_error *kd_read_kernel(struct kd_session *s, uint64_t va, void *buf, size_t len)
{
	return kd_read_virt(s, NULL, va, buf, len);
}
