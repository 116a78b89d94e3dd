// SPDX-License-Identifier: GPL-3.0-or-later
// The open dump as the public API shows it (<kdive/session.h>): its files,
// format, machine, physical ranges, notes, page cache, and physical reads.
// Each is a thin view of the session's struct kd_core (core.h).
#include <string.h>

#include "session_priv.h"

const char *kd_dump_path(const struct kd_session *s)
{
	return s->core ? s->core->file->path : NULL;
}

const char *kd_dump_format(const struct kd_session *s)
{
	return s->core ? s->core->fmt->name : "none";
}

const char *kd_dump_format_desc(const struct kd_session *s)
{
	return s->core && s->core->format_desc ? s->core->format_desc : kd_dump_format(s);
}

unsigned kd_dump_machine(const struct kd_session *s)
{
	return s->core ? s->core->e_machine : 0;
}

const char *kd_dump_machine_name(const struct kd_session *s)
{
	return s->machine_name;
}

unsigned kd_dump_nr_cpus(const struct kd_session *s)
{
	return s->core ? s->core->nr_cpus : 0;
}

bool kd_dump_big_endian(const struct kd_session *s)
{
	return s->core && s->core->big_endian;
}

uint64_t kd_dump_uint(const struct kd_session *s, const void *p, unsigned size)
{
	return kd_get_uint(p, size, kd_dump_big_endian(s));
}

uint16_t kd_dump_u16(const struct kd_session *s, const void *p)
{
	return (uint16_t)kd_dump_uint(s, p, 2);
}

uint32_t kd_dump_u32(const struct kd_session *s, const void *p)
{
	return (uint32_t)kd_dump_uint(s, p, 4);
}

uint64_t kd_dump_u64(const struct kd_session *s, const void *p)
{
	return kd_dump_uint(s, p, 8);
}

uint64_t kd_page_size(const struct kd_session *s)
{
	return s->page_size;
}

size_t kd_phys_range_count(const struct kd_session *s)
{
	return s->core ? s->core->nranges : 0;
}

const struct kd_phys_range *kd_phys_range_get(const struct kd_session *s, size_t i)
{
	return s->core && i < s->core->nranges ? &s->core->ranges[i] : NULL;
}

uint64_t kd_phys_total(const struct kd_session *s)
{
	uint64_t t = 0;
	for (size_t i = 0; i < kd_phys_range_count(s); i++)
		t += s->core->ranges[i].size;
	return t;
}

size_t kd_note_count(const struct kd_session *s)
{
	return s->core ? s->core->nnotes : 0;
}

const struct kd_note *kd_note_get(const struct kd_session *s, size_t i)
{
	return s->core && i < s->core->nnotes ? &s->core->notes[i] : NULL;
}

struct kd_error *kd_read_phys(struct kd_session *s, uint64_t paddr, void *buf, size_t len)
{
	if (!s->core)
		return kd_error_create(KD_ERR_USAGE, "no dump is open");
	if (len && paddr + len - 1 < paddr)
		return kd_error_addr(KD_ERR_FAULT, paddr, "physical range at 0x%llx wraps around",
				     (unsigned long long)paddr);
	return kd_core_read_phys(s->core, paddr, buf, len, s->page_size);
}

size_t kd_dump_file_count(const struct kd_session *s)
{
	return s->core ? s->core->nfiles : 0;
}

const char *kd_dump_file_path(const struct kd_session *s, size_t i)
{
	return s->core && i < s->core->nfiles ? s->core->files[i]->path : NULL;
}

const char *kd_dump_format_detail(const struct kd_session *s)
{
	return s->core ? s->core->format_detail : NULL;
}

void kd_dump_cache_info(const struct kd_session *s, struct kd_cache_info *ret)
{
	struct kd_cache_stats st;
	kd_core_cache_stats(s->core, &st);
	*ret = (struct kd_cache_info){
		.hits = st.hits, .misses = st.misses, .decompressions = st.decompressions,
		.evictions = st.evictions, .capacity = st.capacity, .used = st.used,
		.live = s->core && (s->core->fmt->flags & KD_FMT_LIVE),
	};
}

struct kd_error *kd_dump_set_cache(struct kd_session *s, size_t npages)
{
	if (!s->core)
		return kd_error_create(KD_ERR_USAGE, "no dump is open");
	return kd_core_set_cache(s->core, npages);
}
