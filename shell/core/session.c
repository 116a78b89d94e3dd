// SPDX-License-Identifier: GPL-3.0-or-later
// The session's lifecycle: open a dump, read or derive its VMCOREINFO, set
// up the layers above the core, and tear it all down; also the current task
// context and the VMCOREINFO accessors of <kdive/session.h>.  The rest of
// that API is in dump.c (the dump), output.c (output, warnings, interrupts)
// and json.c (the JSON writer).
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

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
 * Symbols and types are loaded when the dispatcher runs a command that needs
 * them; files given on the command line are read when the dump opens, so a
 * wrong one is refused at once (KD_ERR_USAGE fails the session).
 */
static struct kd_error *symbols_from_files(struct kd_session *s)
{
	return s->opts.system_map || s->opts.vmlinux ? kd_symbols_load(s) : NULL;
}

static struct kd_error *types_from_files(struct kd_session *s)
{
	return s->opts.btf || s->opts.vmlinux || s->opts.types ? kd_types_load(s) : NULL;
}

/*
 * The layers above the core, in order: address translation (vm.c, arch/), then
 * symbols and types when files name them (the arch's second stage, which
 * may use symbols, runs after the symbol load).  Each is optional: a failure
 * is one warning, and the commands that need the layer say so when run.
 */
static const struct {
	const char *what;
	struct kd_error *(*init)(struct kd_session *s);
} layers[] = {
	{ "address translation", kd_vm_init },
	{ "symbols", symbols_from_files },
	{ "types", types_from_files },
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
	s->opts.no_cache = o->no_cache;
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
	s->machine_name = kd_machine_name(s->core->e_machine);
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
	} else if (kd_vmcoreinfo_derivable(s) && has_qemu_cpu_state(s)) {
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
	kd_unwind_unload(s);
	kd_tasks_unload(s);
	kd_pages_unload(s);
	kd_types_unload(s);
	kd_symbols_unload(s);
	kd_vm_deinit(s);
	kd_core_close(s->core);
	kd_vmcoreinfo_deinit(&s->vmci);
	free(s->panic);
	free(s->vmci_source);
	free((char *)s->opts.vmcoreinfo);
	free((char *)s->opts.system_map);
	free((char *)s->opts.vmlinux);
	free((char *)s->opts.btf);
	free((char *)s->opts.types);
	free(s);
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
		// First use: the default context, the panic task or CPU 0's (it needs the
		// symbols and types: this is their point of use).
		struct kd_session *ms = (struct kd_session *)cs;
		ms->ctx_default_tried = true;
		kd_error_destroy(kd_layers_load(ms, 0, KD_LAYER_SYMBOLS | KD_LAYER_TYPES));
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
