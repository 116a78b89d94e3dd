// SPDX-License-Identifier: GPL-3.0-or-later
// The session: one open dump, its VMCOREINFO and the output of the current
// command.  This is the implementation of the public API in <kdive/session.h>.
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "session_priv.h"

static volatile sig_atomic_t no_interrupt;

static struct kd_error *read_whole_file(const char *path, char **buf_ret, size_t *len_ret)
{
	struct kd_file *f;
	struct kd_error *err = kd_file_open(path, &f);
	if (err)
		return err;
	if (f->size > (16u << 20)) {
		kd_file_close(f);
		return kd_error_create(KD_ERR_USAGE, "'%s' is too large for a VMCOREINFO file", path);
	}
	char *buf = malloc(f->size + 1);
	if (!buf) {
		kd_file_close(f);
		return &kd_enomem;
	}
	err = kd_file_pread(f, buf, (size_t)f->size, 0);
	*len_ret = (size_t)f->size;
	kd_file_close(f);
	if (err) {
		free(buf);
		return err;
	}
	*buf_ret = buf;
	return NULL;
}

static const char *machine_name(unsigned e_machine)
{
	switch (e_machine) {
	case EM_X86_64: return "x86_64";
	case EM_AARCH64: return "aarch64";
	case EM_386: return "i386";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390x";
	case EM_RISCV: return "riscv64";
	default: return "unknown";
	}
}

// QEMU's per-CPU state notes carry CR3 and CR4: what deriving needs.
static bool has_qemu_cpu_state(const struct kd_session *s)
{
	for (size_t i = 0; i < s->core->nnotes; i++)
		if (strcmp(s->core->notes[i].name, "QEMU") == 0)
			return true;
	return false;
}

struct kd_session *kd_session_create_empty(void)
{
	struct kd_session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->out = stdout;
	s->page_size = 4096;
	s->machine_name = "none";
	s->interrupted = &no_interrupt;
	return s;
}

/*
 * The layers above the core, in order: address translation (arch/), the
 * symbol table (kallsyms in the dump), types (BTF in the dump), then the
 * arch's second stage, which may use symbols (page_offset_base...).  Each is
 * optional: a failure is one warning, and the commands that need the layer
 * say so when run.
 */
static const struct {
	const char *what;
	struct kd_error *(*init)(struct kd_session *s);
} layers[] = {
	{ "address translation", kd_arch_init },
	{ "symbols", kd_symbols_init },
	{ "types", kd_types_init },
	{ "address translation", kd_arch_post_symbols },
};

static struct kd_error *init_layers(struct kd_session *s)
{
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		struct kd_error *err = layers[i].init(s);
		if (err && err->code == KD_ERR_USAGE)
			return err;
		if (err) {
			kd_warn(s, "%s: %s", layers[i].what, err->msg);
			kd_error_destroy(err);
		}
	}
	return NULL;
}

static struct kd_error *copy_opts(struct kd_session *s, const struct kd_session_opts *o)
{
	const char *const src[] = { o->vmcoreinfo, o->system_map, o->vmlinux, o->btf, o->types };
	const char **dst[] = { &s->opts.vmcoreinfo, &s->opts.system_map, &s->opts.vmlinux, &s->opts.btf,
			       &s->opts.types };
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		if (src[i] && !(*dst[i] = strdup(src[i])))
			return &kd_enomem;
	return NULL;
}

struct kd_error *kd_session_create(const char *path, const struct kd_session_opts *opts,
				   struct kd_session **ret)
{
	return kd_session_create_multi(&path, 1, opts, ret);
}

struct kd_error *kd_session_create_multi(const char *const *paths, size_t npaths,
					 const struct kd_session_opts *opts, struct kd_session **ret)
{
	struct kd_session *s = kd_session_create_empty();
	if (!s)
		return &kd_enomem;
	struct kd_error *err = opts ? copy_opts(s, opts) : NULL;
	if (err)
		goto fail;
	const char *vmcoreinfo_file = s->opts.vmcoreinfo;
	err = kd_core_open_multi(paths, npaths, &s->core);
	if (err)
		goto fail;
	s->machine_name = machine_name(s->core->e_machine);
	if (vmcoreinfo_file) {
		char *text = NULL;
		size_t len = 0;
		err = read_whole_file(vmcoreinfo_file, &text, &len);
		if (err)
			goto fail;
		err = kd_vmcoreinfo_parse(&s->vmci, text, len);
		free(text);
		if (err)
			goto fail;
		if (asprintf(&s->vmci_source, "--vmcoreinfo %s", vmcoreinfo_file) < 0)
			s->vmci_source = NULL;
	} else if (s->core->vmcoreinfo) {
		err = kd_vmcoreinfo_parse(&s->vmci, s->core->vmcoreinfo, s->core->vmcoreinfo_len);
		if (err)
			goto fail;
		s->vmci_source = strdup("dump note");
	} else if (s->core->e_machine == EM_X86_64 && has_qemu_cpu_state(s)) {
		// No VMCOREINFO (QEMU dump-guest-memory without -device
		// vmcoreinfo): derive what the layers need, as crash does.
		char *text = NULL;
		struct kd_error *derr = kd_vmcoreinfo_derive(s, &text);
		if (!derr) {
			derr = kd_vmcoreinfo_parse(&s->vmci, text, strlen(text));
			free(text);
		}
		if (derr) {
			kd_warn(s, "no VMCOREINFO in the dump, and %s", derr->msg);
			kd_error_destroy(derr);
		} else {
			s->vmci_source = strdup("derived from CPU state and page tables");
			kd_warn(s, "the dump has no VMCOREINFO: derived it from the CPU state and page tables "
				"(KERNELOFFSET=%s, phys_base=%s, kallsyms found in the kernel image)",
				kd_vmcoreinfo_lookup(&s->vmci, "KERNELOFFSET"),
				kd_vmcoreinfo_lookup(&s->vmci, "NUMBER(phys_base)"));
		}
	}
	uint64_t ps;
	struct kd_error *perr = kd_vmcoreinfo_value_number(&s->vmci, "PAGESIZE", &ps);
	if (!perr) {
		if (ps >= 512 && ps <= (1u << 20) && (ps & (ps - 1)) == 0)
			s->page_size = ps;
		else
			kd_warn(s, "ignoring VMCOREINFO PAGESIZE=%" PRIu64 ": not a power of two", ps);
	} else if (perr->code != KD_ERR_NOTFOUND) {
		kd_warn(s, "%s", perr->msg);
	}
	kd_error_destroy(perr);
	if (s->core->page_size && s->core->page_size != s->page_size) {
		kd_warn(s, "the dump's block size %llu differs from VMCOREINFO PAGESIZE %llu; using the dump's",
			(unsigned long long)s->core->page_size, (unsigned long long)s->page_size);
		s->page_size = s->core->page_size;
	}
	err = init_layers(s);
	if (err)
		goto fail;
	*ret = s;
	return NULL;
fail:
	kd_session_destroy(s);
	return err;
}

void kd_session_destroy(struct kd_session *s)
{
	if (!s)
		return;
	kd_tasks_fini(s);
	kd_types_fini(s);
	kd_symbols_fini(s);
	kd_arch_fini(s);
	kd_core_close(s->core);
	kd_vmcoreinfo_deinit(&s->vmci);
	free(s->vmci_source);
	free((char *)s->opts.vmcoreinfo);
	free((char *)s->opts.system_map);
	free((char *)s->opts.vmlinux);
	free((char *)s->opts.btf);
	free((char *)s->opts.types);
	free(s);
}

/* ---- dump ---- */

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

/* ---- context ---- */

void kd_context_set(struct kd_session *s, uint64_t task, const struct kd_as *user_as)
{
	s->ctx_set = true;
	s->ctx_task = task;
	s->ctx_as = user_as ? *user_as : (struct kd_as){ .kind = KD_AS_KERNEL };
}

bool kd_context_get(const struct kd_session *cs, uint64_t *task_ret, struct kd_as *user_as_ret)
{
	const struct kd_session *s = cs;
	if (!s->ctx_set && !s->ctx_default_tried && s->core) {
		// First use: the default context, CPU 0's task (it needs the
		// symbols and types, which load on first use too).
		struct kd_session *ms = (struct kd_session *)cs;
		ms->ctx_default_tried = true;
		uint64_t task;
		struct kd_as as;
		struct kd_error *err = kd_task_default_context(ms, &task, &as);
		if (!err)
			kd_context_set(ms, task, &as);
		kd_error_destroy(err);
	}
	if (!s->ctx_set)
		return false;
	if (task_ret)
		*task_ret = s->ctx_task;
	if (user_as_ret)
		*user_as_ret = s->ctx_as;
	return true;
}

/* ---- vmcoreinfo ---- */

const char *kd_vmcoreinfo_get(const struct kd_session *s, const char *key)
{
	return kd_vmcoreinfo_lookup(&s->vmci, key);
}

struct kd_error *kd_vmcoreinfo_number(const struct kd_session *s, const char *key, uint64_t *ret)
{
	return kd_vmcoreinfo_value_number(&s->vmci, key, ret);
}

size_t kd_vmcoreinfo_count(const struct kd_session *s)
{
	return s->vmci.n;
}

void kd_vmcoreinfo_entry(const struct kd_session *s, size_t i, const char **key, const char **value)
{
	*key = i < s->vmci.n ? s->vmci.keys[i] : NULL;
	*value = i < s->vmci.n ? s->vmci.values[i] : NULL;
}

const char *kd_vmcoreinfo_source(const struct kd_session *s)
{
	return s->vmci_source;
}

/* ---- output ---- */

FILE *kd_out(struct kd_session *s)
{
	return s->out;
}

int kd_printf(struct kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(s->out, fmt, ap);
	va_end(ap);
	return r;
}

void kd_warn(struct kd_session *s, const char *fmt, ...)
{
	va_list ap;
	fflush(s->out);
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	s->warnings++;
}

bool kd_json_mode(const struct kd_session *s)
{
	return s->json;
}

struct kd_error *kd_check_interrupt(struct kd_session *s)
{
	if (*s->interrupted)
		return kd_error_create(KD_ERR_INTERRUPTED, "interrupted");
	return NULL;
}

/* ---- JSON (RFC 8259) ---- */

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
