// SPDX-License-Identifier: GPL-3.0-or-later
// The panic (<kdive/panic.h>): the panicking CPU from the kernel's panic_cpu
// (kernel/panic.c: an atomic_t, PANIC_CPU_INVALID = -1 until panic() or
// nmi_panic() claims it) or, on x86, crashing_cpu (arch/x86/kernel/reboot.c,
// -1 until the kdump path sets it); that CPU's task from its runqueue's curr
// (struct rq, kernel/sched/sched.h, layout from BTF); its registers from the
// CPU's NT_PRSTATUS note (the dump writes one per CPU, in CPU order); and the
// message: the last "Kernel panic - not syncing: " line of the kernel log
// (kernel/panic.c prints it with pr_emerg), else the last Oops/BUG line.
// Found once per session; the default task context (shell/core/task.c) and
// `sys` read it.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/panic.h>
#include <kdive/printk.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"

// The lines that describe a crash, best first: panic()'s own line, then the
// first line of an oops report (arch/x86/kernel/dumpstack.c __die_header,
// lib/bug.c report_bug, mm/fault.c page_fault_oops), then sysrq's.
static const char *const markers[] = {
	"Kernel panic - not syncing: ",
	"Oops: ",
	"kernel BUG at ",
	"BUG: ",
	"general protection fault",
	"sysrq: Trigger a crash",
	"SysRq : Trigger a crash",
};
enum { NMARKERS = sizeof(markers) / sizeof(markers[0]) };

struct scan {
	int best;           // index into markers of the best line seen, NMARKERS if none
	uint64_t seq;
	char text[KD_PANIC_MSG_MAX];
};

static int scan_record(struct kd_session *s, const struct kd_log_record *r, void *arg)
{
	(void)s;
	struct scan *sc = arg;
	if (r->lost)
		return 0;
	// A marker counts at the start of a record only: panic() ends with
	// "---[ end Kernel panic - not syncing: ... ]---", which is not the line.
	const unsigned char *p = r->text;
	size_t len = r->len;
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	for (int m = 0; m < NMARKERS && m <= sc->best; m++) {
		size_t ml = strlen(markers[m]);
		if (len < ml || memcmp(p, markers[m], ml) != 0)
			continue;
		// The last line of the best kind wins (a later panic replaces an
		// earlier oops's line of the same kind); keep the line only.
		size_t n = len;
		const unsigned char *nl = memchr(p, '\n', n);
		if (nl)
			n = (size_t)(nl - p);
		if (n >= sizeof(sc->text))
			n = sizeof(sc->text) - 1;
		for (size_t i = 0; i < n; i++)
			sc->text[i] = (p[i] < 0x20 || p[i] >= 0x7f) ? '?' : (char)p[i];
		sc->text[n] = '\0';
		sc->best = m;
		sc->seq = r->seq;
		break;
	}
	return 0;
}

// A signed int kernel variable.
static struct kd_error *read_int(struct kd_session *s, const char *name, int32_t *ret)
{
	uint64_t addr;
	unsigned char b[4];
	struct kd_error *err = kd_symbol_address(s, name, &addr);
	if (!err)
		err = kd_read_kernel(s, addr, b, 4);
	if (err)
		return err;
	*ret = (int32_t)kd_dump_u32(s, b);
	return NULL;
}

static void find_cpu(struct kd_session *s, struct kd_panic *p)
{
	static const char *const vars[] = { "panic_cpu", "crashing_cpu" };
	for (size_t i = 0; i < 2; i++) {
		int32_t cpu;
		struct kd_error *err = read_int(s, vars[i], &cpu);
		if (err && err->code != KD_ERR_NOTFOUND && !p->incomplete)
			p->incomplete = i == 0 ? "panic_cpu is unreadable" : "crashing_cpu is unreadable";
		kd_error_destroy(err);
		if (!err && cpu >= 0 && (unsigned)cpu < 8192) {
			p->cpu = cpu;
			p->cpu_from = vars[i];
			p->panicked = true;
			return;
		}
	}
}

static void find_task(struct kd_session *s, struct kd_panic *p)
{
	uint64_t rq, off, curr;
	struct kd_member_info m;
	struct kd_error *err = kd_symbol_address(s, "runqueues", &rq);
	if (!err)
		err = kd_percpu_offset(s, (unsigned)p->cpu, &off);
	if (!err)
		err = kd_type_member(s, "rq", "curr", &m);
	if (!err) {
		unsigned char b[8];
		err = kd_read_kernel(s, rq + off + m.offset, b, 8);
		curr = kd_dump_u64(s, b);
	}
	if (err) {
		if (!p->incomplete)
			p->incomplete = "the panic CPU's runqueue is unreadable";
		kd_error_destroy(err);
		return;
	}
	p->task = curr;
}

static void find_regs(struct kd_session *s, struct kd_panic *p)
{
	int n = 0;
	for (size_t i = 0; i < kd_note_count(s); i++) {
		const struct kd_note *note = kd_note_get(s, i);
		if (note->type != 1 /* NT_PRSTATUS */ || strcmp(note->name, "CORE") != 0)
			continue;
		if (n++ != p->cpu)
			continue;
		struct kd_prstatus pr;
		if (kd_prstatus_decode(s, note, &pr)) {
			p->have_regs = true;
			p->pc = pr.pc;
			p->sp = pr.sp;
		}
		return;
	}
}

struct kd_error *kd_panic_find(struct kd_session *s, const struct kd_panic **ret)
{
	if (s->panic) {
		*ret = s->panic;
		return NULL;
	}
	struct kd_panic *p = calloc(1, sizeof(*p));
	if (!p)
		return &kd_enomem;
	p->cpu = -1;
	// This is a point of use: the panic CPU is found through kallsyms and
	// its task through BTF.  Without them only the log's message is known.
	// Quietly: without them the record says so (incomplete) and callers
	// such as sys show "unknown"; no warning of its own.
	kd_error_destroy(kd_symbols_load(s));
	kd_error_destroy(kd_types_load(s));
	if (kd_symbols_available(s)) {
		find_cpu(s, p);
		if (p->cpu >= 0) {
			if (kd_types_available(s))
				find_task(s, p);
			find_regs(s, p);
		}
	} else {
		p->incomplete = "no kernel symbols: the panic CPU is unknown";
	}
	struct scan sc = { .best = NMARKERS };
	struct kd_error *err = kd_log_foreach(s, scan_record, &sc);
	if (err && err->code == KD_ERR_NOMEM) {
		free(p);
		return err;
	}
	if (err && !p->incomplete && p->panicked)
		p->incomplete = "the kernel log is unreadable: no panic message";
	kd_error_destroy(err);
	if (sc.best < NMARKERS) {
		memcpy(p->message, sc.text, sizeof(p->message));
		p->log_seq = sc.seq;
	}
	s->panic = p;
	*ret = p;
	return NULL;
}
