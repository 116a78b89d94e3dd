// SPDX-License-Identifier: GPL-3.0-or-later
// bt: a task's kernel stack in crash's layout, unwound from the dump alone
// (<kdive/unwind.h>: on x86_64 the kernel's own ORC tables read from the
// dump, or its frame-pointer chain).  A task on a CPU starts from the CPU's
// NT_PRSTATUS registers, any other from its saved state; interrupt and
// exception frames show the saved registers as crash does, and the walk
// crosses the IRQ and exception stacks with crash's "--- <IRQ stack> ---".
// Options add the text symbols found on the stack (-t, -T), each frame's
// words (-f), the raw stack (-r) and symbol offsets (-s).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>
#include <kdive/unwind.h>
#include <kdive/vmcoreinfo.h>

enum { O_A, O_C, O_T, O_TT, O_F, O_R, O_S, O_L, O_JSON, O_NOPT };
static const struct kd_option bt_opts[] = {
	[O_A] = { "a", KD_ARG_NONE, NULL, "the task running on each CPU" },
	[O_C] = { "c", KD_ARG_STRING, "CPU", "the task running on CPU (a list: 0,2-3)" },
	[O_T] = { "t", KD_ARG_NONE, NULL, "text symbols on the stack from the first frame up" },
	[O_TT] = { "T", KD_ARG_NONE, NULL, "text symbols on the whole stack" },
	[O_F] = { "f", KD_ARG_NONE, NULL, "each frame's stack words" },
	[O_R] = { "r", KD_ARG_NONE, NULL, "the raw stack, text addresses shown as symbols" },
	[O_S] = { "s", KD_ARG_NONE, NULL, "symbol names with their offsets" },
	[O_L] = { "l", KD_ARG_NONE, NULL, "line numbers (they need DWARF line tables: not shown)" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

struct frames {
	struct kd_frame f[KD_UNWIND_MAX_FRAMES];
	unsigned n;
};

static int collect(const struct kd_frame *f, void *arg)
{
	struct frames *fr = arg;
	if (fr->n < KD_UNWIND_MAX_FRAMES)
		fr->f[fr->n++] = *f;
	return 0;
}

static bool is_return_address(const struct kd_frame *f)
{
	return !(f->flags & KD_FRAME_REGS);
}

// The function a frame is in: a return address is looked up one byte back
// (a call may be a function's last instruction).
static bool frame_symbol(struct kd_session *s, const struct kd_frame *f, struct kd_symbol *sym,
			 uint64_t *off)
{
	uint64_t look = is_return_address(f) && f->pc ? f->pc - 1 : f->pc;
	struct kd_error *err = kd_symbol_at(s, look, sym, off);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	*off = f->pc - sym->address;
	return true;
}

static const char *sym_text(struct kd_session *s, const struct kd_frame *f, bool offset, char *buf,
			    size_t size)
{
	struct kd_symbol sym = { .name = NULL };
	uint64_t off;
	if (!frame_symbol(s, f, &sym, &off)) {
		snprintf(buf, size, "%016" PRIx64, f->pc);
		return buf;
	}
	if (offset)
		snprintf(buf, size, "%s+%" PRIu64, sym.name, off);
	else
		snprintf(buf, size, "%s", sym.name);
	if (sym.module && (size_t)strlen(buf) + strlen(sym.module) + 4 < size && frame_symbol(s, f, &sym, &off))
		snprintf(buf + strlen(buf), size - strlen(buf), " [%s]", sym.module);
	return buf;
}

/* ---- registers in crash's layout ------------------------------------------------- */

static int reg_index(const struct kd_arch_info *ai, const char *name)
{
	for (unsigned i = 0; ai && i < ai->prstatus.nregs; i++)
		if (strcmp(ai->reg_names[i], name) == 0)
			return (int)i;
	return -1;
}

static void upper(char *d, const char *s, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		d[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	d[i] = '\0';
}

static bool text_symbol(struct kd_session *s, uint64_t v, struct kd_symbol *sym, uint64_t *off);

// A register as crash's arm64 frame shows a code address: "[sym+off]".
static void a64_code(struct kd_session *s, const char *label, uint64_t v)
{
	struct kd_symbol sym;
	uint64_t off;
	kd_printf(s, "     %s: %016" PRIx64 "  ", label, v);
	if (text_symbol(s, v, &sym, &off))
		kd_printf(s, off ? "[%s+%" PRIu64 "]\n" : "[%s]\n", sym.name, off);
	else
		kd_printf(s, "[unknown or invalid address]\n");
}

/*
 * crash's arm64 exception frame: PC, LR (with their symbols in kernel mode)
 * and SP, PSTATE; X29 down to X0 three a line; ORIG_X0 and SYSCALLNO from
 * the struct pt_regs the frame was read from (arch/arm64/include/asm/ptrace.h),
 * when there is one.
 */
static void print_regs_a64(struct kd_session *s, const struct kd_arch_info *ai, const struct kd_frame *f)
{
	uint64_t v[33];
	static const char *const names[] = { "x30", "sp", "pc", "pstate" };
	int idx[4];
	for (int k = 0; k < 4; k++)
		idx[k] = reg_index(ai, names[k]);
	for (int k = 0; k < 4; k++)
		v[29 + k] = idx[k] >= 0 && (unsigned)idx[k] < f->nregs ? f->regs[idx[k]] : 0;
	uint64_t lr = v[29], sp = v[30], pc = v[31], pstate = v[32];
	bool user = f->flags & KD_FRAME_USER;
	if (user) {
		kd_printf(s, "     PC: %016" PRIx64 "   LR: %016" PRIx64 "   SP: %016" PRIx64 "\n", pc, lr, sp);
	} else {
		a64_code(s, "PC", pc);
		a64_code(s, "LR", lr);
		kd_printf(s, "     SP: %016" PRIx64 "  PSTATE: %08" PRIx64 "\n", sp, pstate);
	}
	for (int i = 29, r = 1; i >= 0; i--, r++) {
		char name[16];
		snprintf(name, sizeof(name), "x%d", i);
		int x = reg_index(ai, name);
		uint64_t val = x >= 0 && (unsigned)x < f->nregs ? f->regs[x] : 0;
		kd_printf(s, "%s%sX%d: %016" PRIx64 "%s", r % 3 == 1 ? "    " : "  ", i < 10 ? " " : "", i, val,
			  r % 3 == 0 ? "\n" : "");
	}
	uint64_t orig = 0, nr = 0;
	struct kd_member_info m;
	struct kd_error *err = NULL;
	bool extra = f->regs_addr && !(err = kd_read_member_u64(s, "pt_regs", "orig_x0", f->regs_addr, &orig)) &&
		     !(err = kd_type_member(s, "pt_regs", "syscallno", &m));
	if (extra) {
		uint8_t b[8] = { 0 };
		err = kd_read_kernel(s, f->regs_addr + m.offset, b, m.size <= 8 ? m.size : 8);
		nr = m.size == 4 ? kd_dump_u32(s, b) : kd_dump_u64(s, b);
		extra = !err;
	}
	kd_error_destroy(err);
	if (extra) {
		kd_printf(s, "    ORIG_X0: %016" PRIx64 "  SYSCALLNO: %" PRIx64, orig, nr);
		if (user)
			kd_printf(s, "  PSTATE: %08" PRIx64, pstate);
		kd_printf(s, "\n");
	} else if (user) {
		kd_printf(s, "    PSTATE: %08" PRIx64 "\n", pstate);
	}
}

// crash's x86_64 exception frame: three registers a line, RIP first, then
// ORIG_RAX, CS and SS; arm64's as crash shows it.  Other machines: their
// registers in note order.
static void print_regs(struct kd_session *s, const struct kd_frame *f)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	if (reg_index(ai, "x29") >= 0 && reg_index(ai, "pstate") >= 0) {
		print_regs_a64(s, ai, f);
		return;
	}
	static const char *const rows[][3] = {
		{ "rip", "rsp", "eflags" }, { "rax", "rbx", "rcx" }, { "rdx", "rsi", "rdi" },
		{ "rbp", "r8", "r9" },      { "r10", "r11", "r12" }, { "r13", "r14", "r15" },
	};
	if (!(f->flags & KD_FRAME_USER)) {
		char buf[160];
		struct kd_frame at = *f;
		kd_printf(s, "    [exception RIP: %s]\n", sym_text(s, &at, true, buf, sizeof(buf)));
	}
	if (reg_index(ai, "rip") >= 0) {
		for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
			int printed = 0;
			for (int k = 0; k < 3; k++) {
				int i = reg_index(ai, rows[r][k]);
				if (i < 0 || (unsigned)i >= f->nregs || !(f->regs_valid >> i & 1))
					continue;
				char label[16];
				upper(label, strcmp(rows[r][k], "eflags") == 0 ? "rflags" : rows[r][k], sizeof(label));
				// crash: RFLAGS in 8 digits, labels right-aligned in 3.
				bool flags = strcmp(rows[r][k], "eflags") == 0;
				kd_printf(s, "%s%3s: %0*" PRIx64, printed ? "  " : "    ", label, flags ? 8 : 16,
					  f->regs[i]);
				printed++;
			}
			if (printed)
				kd_printf(s, "\n");
		}
		int o = reg_index(ai, "orig_rax"), cs = reg_index(ai, "cs"), ss = reg_index(ai, "ss");
		if (o >= 0 && cs >= 0 && ss >= 0 && (f->regs_valid >> cs & 1)) {
			if (f->regs_valid >> o & 1)
				kd_printf(s, "    ORIG_RAX: %016" PRIx64 "  ", f->regs[o]);
			else
				kd_printf(s, "    ");
			kd_printf(s, "CS: %04" PRIx64 "  SS: %04" PRIx64 "\n", f->regs[cs], f->regs[ss]);
		}
		return;
	}
	for (unsigned i = 0, k = 0; ai && i < f->nregs && i < ai->prstatus.nregs; i++) {
		if (!(f->regs_valid >> i & 1))
			continue;
		char label[16];
		upper(label, ai->reg_names[i], sizeof(label));
		kd_printf(s, "%s%s: %016" PRIx64 "%s", k % 3 ? "  " : "    ", label, f->regs[i],
			  k % 3 == 2 ? "\n" : "");
		k++;
	}
	kd_printf(s, "\n");
}

/* ---- one task ------------------------------------------------------------------------- */

struct opts {
	bool t, tt, f, r, s;
	bool warned_fp;  // said once that frame pointers were used
};

static bool word_at(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];
	struct kd_error *err = kd_read_kernel(s, addr, b, 8);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	*v = kd_dump_u64(s, b);
	return true;
}

static bool text_symbol(struct kd_session *s, uint64_t v, struct kd_symbol *sym, uint64_t *off)
{
	struct kd_error *err = kd_symbol_at(s, v, sym, off);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	return sym->type == 'T' || sym->type == 't' || sym->type == 'W' || sym->type == 'w';
}

/*
 * A stack word as a code address: arm64 kernels with pointer
 * authentication save return addresses signed, the code in the bits of
 * VMCOREINFO's NUMBER(KERNELPACMASK); a kernel address (bit 55 set) gets
 * them back as the kernel's ptrauth_strip_kernel_insn_pac() does.
 */
static uint64_t pac_mask(struct kd_session *s)
{
	uint64_t m = 0;
	kd_error_destroy(kd_vmcoreinfo_number(s, "NUMBER(KERNELPACMASK)", &m));
	return m;
}

static bool code_word(struct kd_session *s, uint64_t pac, uint64_t *v, struct kd_symbol *sym, uint64_t *off)
{
	if (text_symbol(s, *v, sym, off))
		return true;
	if (!pac || !(*v >> 55 & 1) || (*v | pac) == *v || !text_symbol(s, *v | pac, sym, off))
		return false;
	*v |= pac;
	return true;
}

// The task's stack: task_struct.stack and the size the walk's stack had.
static bool task_stack(struct kd_session *s, uint64_t task, uint64_t *start, uint64_t *end)
{
	uint64_t st, a, b;
	struct kd_error *err = kd_read_member_u64(s, "task_struct", "stack", task, &st);
	// THREAD_SIZE: init_task's stack, __start_init_task..__end_init_task, or
	// __start_init_stack..__end_init_stack where the linker script names them so (6.12).
	if (!err && (err = kd_symbol_address(s, "__start_init_task", &a))) {
		kd_error_destroy(err);
		err = kd_symbol_address(s, "__start_init_stack", &a);
	}
	if (!err && (err = kd_symbol_address(s, "__end_init_task", &b))) {
		kd_error_destroy(err);
		err = kd_symbol_address(s, "__end_init_stack", &b);
	}
	if (err || b <= a || !st) {
		kd_error_destroy(err);
		return false;
	}
	*start = st;
	*end = st + (b - a);
	return true;
}

// -t / -T: every word of the stack that is a text address.
static void print_text_words(struct kd_session *s, uint64_t from, uint64_t to)
{
	uint64_t pac = pac_mask(s);
	for (uint64_t a = from & ~7ull; a < to; a += 8) {
		uint64_t v, off;
		struct kd_symbol sym;
		if (!word_at(s, a, &v))
			continue;
		if (code_word(s, pac, &v, &sym, &off))
			kd_printf(s, "  [%016" PRIx64 "] %s at %016" PRIx64 "\n", a, sym.name, v);
	}
}

// -r: the raw stack, two words a line, text addresses as symbol+offset.
static void print_raw(struct kd_session *s, uint64_t from, uint64_t to)
{
	uint64_t pac = pac_mask(s);
	for (uint64_t a = from; a < to; a += 16) {
		kd_printf(s, "  %016" PRIx64 ":", a);
		for (uint64_t w = a; w < a + 16 && w < to; w += 8) {
			uint64_t v, off;
			struct kd_symbol sym;
			if (!word_at(s, w, &v))
				kd_printf(s, "  %-16s", "????????????????");
			else if (code_word(s, pac, &v, &sym, &off))
				kd_printf(s, "  %s+%" PRIu64, sym.name, off);
			else
				kd_printf(s, "  %016" PRIx64, v);
		}
		kd_printf(s, "\n");
	}
}

// -f: the words of frame i, from above its return-address slot to the next frame's.
static void print_frame_words(struct kd_session *s, const struct frames *fr, unsigned i)
{
	if (i + 1 >= fr->n)
		return;
	uint64_t from = fr->f[i].slot + 8, to = fr->f[i + 1].slot;
	if (fr->f[i].flags & KD_FRAME_REGS && fr->f[i].regs_addr == 0)
		from = fr->f[i].slot;
	if (to <= from || to - from > 8192 || strcmp(fr->f[i].stack, fr->f[i + 1].stack) != 0)
		return;
	for (uint64_t a = from; a < to; a += 16) {
		kd_printf(s, "    %016" PRIx64 ":", a);
		for (uint64_t w = a; w < a + 16 && w < to; w += 8) {
			uint64_t v;
			if (word_at(s, w, &v))
				kd_printf(s, " %016" PRIx64, v);
			else
				kd_printf(s, " ????????????????");
		}
		kd_printf(s, "\n");
	}
}

static void json_frames(struct kd_session *s, const struct frames *fr)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	kd_json_begin_array(s, "frames");
	for (unsigned i = 0; i < fr->n; i++) {
		const struct kd_frame *f = &fr->f[i];
		struct kd_symbol sym;
		uint64_t off;
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "level", f->level);
		kd_json_hex(s, "sp", f->slot);
		kd_json_hex(s, "pc", f->pc);
		if (frame_symbol(s, f, &sym, &off)) {
			kd_json_string(s, "function", sym.name);
			kd_json_u64(s, "offset", off);
			if (sym.module)
				kd_json_string(s, "module", sym.module);
		} else {
			kd_json_null(s, "function");
		}
		kd_json_string(s, "stack", f->stack);
		if (f->flags & KD_FRAME_GUESS)
			kd_json_bool(s, "guess", true);
		if ((f->flags & KD_FRAME_REGS) && (f->regs_addr || (f->flags & KD_FRAME_USER))) {
			kd_json_begin_object(s, "registers");
			if (f->regs_addr)
				kd_json_hex(s, "address", f->regs_addr);
			kd_json_bool(s, "user", f->flags & KD_FRAME_USER);
			for (unsigned r = 0; ai && r < f->nregs && r < ai->prstatus.nregs; r++)
				if (f->regs_valid >> r & 1)
					kd_json_hex(s, ai->reg_names[r], f->regs[r]);
			kd_json_end_object(s);
		}
		kd_json_end_object(s);
	}
	kd_json_end_array(s);
}

// Walk and print one task; false if its stack could not be followed to its end.
static bool bt_task(struct kd_session *s, const struct kd_task *t, bool from_cpu, unsigned cpu,
		    struct opts *o, bool first)
{
	struct frames *fr = calloc(1, sizeof(*fr));
	if (!fr) {
		kd_warn(s, "out of memory");
		return false;
	}
	struct kd_unwind_result res;
	struct kd_error *err = from_cpu ? kd_unwind_cpu(s, cpu, t ? t->addr : 0, collect, fr, &res)
					: kd_unwind_task(s, t, collect, fr, &res);
	bool good = !err && !res.stopped;
	if (!err && res.method && strcmp(res.method, "frame pointers") == 0 && !o->warned_fp) {
		kd_warn(s, "the dump has no ORC unwind data: frames follow the frame-pointer chain and may miss some");
		o->warned_fp = true;
	}
	char hdr[160];
	if (t)
		kd_task_header(t, hdr, sizeof(hdr));
	else
		snprintf(hdr, sizeof(hdr), "PID: ?      TASK: ?                 CPU: %-3u COMMAND: ?", cpu);
	if (err)
		fprintf(stderr, "bt: %s: %s\n", hdr, err->msg);
	else if (res.stopped)
		fprintf(stderr, "bt: PID %" PRId64 ": stack walk (%s) stopped at %016" PRIx64 ": %s\n",
			t ? t->pid : -1, res.method, res.stopped_addr, res.stopped);

	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		if (t) {
			kd_json_i64(s, "pid", t->pid);
			kd_json_hex(s, "task", t->addr);
			kd_json_u64(s, "cpu", from_cpu ? cpu : t->cpu);
			kd_json_string(s, "command", t->comm);
		} else {
			kd_json_u64(s, "cpu", cpu);
		}
		kd_json_bool(s, "active", from_cpu || (t && (t->status & KD_TASK_ON_CPU)));
		if (err) {
			kd_json_string(s, "error", err->msg);
		} else {
			kd_json_string(s, "method", res.method);
			if (res.no_stack)
				kd_json_bool(s, "exited", true);
			json_frames(s, fr);
			if (res.stopped) {
				kd_json_string(s, "stopped", res.stopped);
				kd_json_hex(s, "stopped_at", res.stopped_addr);
			}
		}
		kd_json_end_object(s);
		kd_error_destroy(err);
		free(fr);
		return good;
	}

	if (!first)
		kd_printf(s, "\n");
	kd_printf(s, "%s\n", hdr);
	uint64_t st_start = 0, st_end = 0;
	bool have_stack = t && task_stack(s, t->addr, &st_start, &st_end);
	if (!have_stack && !err && res.stack_size) {
		// No init stack symbols (arm64 without KALLSYMS_ALL): the walk's own
		// bounds (THREAD_SIZE learned from a vmalloc'ed stack).
		st_start = res.stack_base;
		st_end = res.stack_base + res.stack_size;
		have_stack = true;
	}
	if (!err && (o->t || o->tt) && fr->n) {
		char buf[160];
		kd_printf(s, "      START: %s at %016" PRIx64 "\n", sym_text(s, &fr->f[0], false, buf, sizeof(buf)),
			  fr->f[0].pc);
		uint64_t from = o->tt || fr->f[0].slot < st_start || fr->f[0].slot >= st_end ? st_start
											      : fr->f[0].slot + 8;
		if (have_stack)
			print_text_words(s, from, st_end);
	} else if (!err && o->r) {
		if (have_stack)
			print_raw(s, st_start, st_end);
	} else if (!err && res.no_stack) {
		kd_printf(s, "    (no kernel stack: the task has exited)\n");
	} else if (!err) {
		unsigned n = 0;
		for (unsigned i = 0; i < fr->n; i++) {
			const struct kd_frame *f = &fr->f[i];
			if (i && strcmp(fr->f[i - 1].stack, f->stack) != 0 &&
			    strcmp(fr->f[i - 1].stack, "process") != 0)
				kd_printf(s, "--- <%s stack> ---\n", fr->f[i - 1].stack);
			bool exception = (f->flags & KD_FRAME_REGS) && (f->regs_addr || (f->flags & KD_FRAME_USER));
			if (exception && i) {
				print_regs(s, f);
				continue;
			}
			char buf[160];
			kd_printf(s, "%s#%u [%016" PRIx64 "] %s at %016" PRIx64 "\n", n < 10 ? " " : "", n,
				  f->slot, sym_text(s, f, o->s, buf, sizeof(buf)), f->pc);
			n++;
			if (exception)
				print_regs(s, f);
			if (o->f)
				print_frame_words(s, fr, i);
		}
	}
	kd_error_destroy(err);
	free(fr);
	return good;
}

static const struct kd_task *cpu_task(struct kd_session *s, unsigned cpu)
{
	size_t n = kd_task_count(s);
	for (size_t i = 0; i < n; i++) {
		const struct kd_task *t = kd_task_get(s, i);
		if ((t->status & KD_TASK_ON_CPU) && t->cpu == cpu)
			return t;
	}
	return NULL;
}

// The tasks an operand names: a decimal pid (every task with it: pid 0 is
// each CPU's idle task), else a task_struct address.
static struct kd_error *operand_tasks(struct kd_session *s, const char *a, const struct kd_task **list,
				      size_t *n, size_t cap)
{
	size_t count = kd_task_count(s), before = *n;
	if (*a && strspn(a, "0123456789") == strlen(a)) {
		int64_t pid = strtoll(a, NULL, 10);
		for (size_t i = 0; i < count && *n < cap; i++)
			if (kd_task_get(s, i)->pid == pid)
				list[(*n)++] = kd_task_get(s, i);
		if (*n > before)
			return NULL;
	}
	uint64_t addr;
	struct kd_error *err = kd_parse_u64(a, true, &addr);
	if (err) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOTFOUND, "no task with pid or address '%s'", a);
	}
	const struct kd_task *t = kd_task_by_addr(s, addr);
	if (!t)
		return kd_error_create(KD_ERR_NOTFOUND, "no task with pid or address '%s'", a);
	if (*n < cap)
		list[(*n)++] = t;
	return NULL;
}

static struct kd_error *bt_run(struct kd_session *s, const struct kd_args *a)
{
	const struct kd_optval *v = a->opt;
	struct opts o = { .t = v[O_T].count > 0, .tt = v[O_TT].count > 0, .f = v[O_F].count > 0,
			  .r = v[O_R].count > 0, .s = v[O_S].count > 0 };
	if (v[O_L].count)
		kd_warn(s, "bt -l: line numbers need the kernel's DWARF line tables, which kdive does not read; frames are shown without them");
	bool json = kd_json_mode(s);
	bool all_good = true, first = true;
	if (json)
		kd_json_begin_array(s, NULL);
	if (v[O_A].count || v[O_C].count) {
		if (a->argc > 1) {
			if (json)
				kd_json_end_array(s);
			return kd_error_create(KD_ERR_USAGE, "-a and -c take no task operands");
		}
		unsigned ncpus = kd_dump_nr_cpus(s);
		bool *want = calloc(ncpus ? ncpus : 1, sizeof(bool));
		if (!want)
			return kd_error_create(KD_ERR_NOMEM, "out of memory");
		struct kd_error *err = NULL;
		err = kd_parse_cpus(v[O_C].count ? v[O_C].arg : NULL, ncpus, want);
		for (unsigned c = 0; !err && c < ncpus; c++) {
			if (!want[c])
				continue;
			if ((err = kd_check_interrupt(s)))
				break;
			all_good &= bt_task(s, cpu_task(s, c), true, c, &o, first);
			first = false;
		}
		free(want);
		if (json)
			kd_json_end_array(s);
		if (err)
			return err;
		return all_good ? NULL : kd_error_create(KD_ERR_CORRUPT, "some stacks could not be followed to their end");
	}

	size_t cap = kd_task_count(s) + (size_t)a->argc + 1, n = 0;
	const struct kd_task **list = calloc(cap, sizeof(*list));
	if (!list)
		return kd_error_create(KD_ERR_NOMEM, "out of memory");
	struct kd_error *err = NULL;
	if (a->argc == 1) {
		uint64_t cur;
		const struct kd_task *t = kd_context_get(s, &cur, NULL) ? kd_task_by_addr(s, cur) : NULL;
		if (!t)
			err = kd_error_create(KD_ERR_NOTFOUND, "no current context (try 'set PID' or bt PID)");
		else
			list[n++] = t;
	}
	for (int i = 1; i < a->argc && !err; i++)
		err = operand_tasks(s, a->argv[i], list, &n, cap);
	for (size_t i = 0; i < n && !err; i++) {
		if ((err = kd_check_interrupt(s)))
			break;
		all_good &= bt_task(s, list[i], false, 0, &o, first);
		first = false;
	}
	free(list);
	if (json)
		kd_json_end_array(s);
	if (err)
		return err;
	return all_good ? NULL : kd_error_create(KD_ERR_CORRUPT, "some stacks could not be followed to their end");
}

static const struct kd_command commands[] = {
	{
		.name = "bt",
		.summary = "backtrace of a task's kernel stack",
		.synopsis = "[-a | -c CPU] [-t|-T|-r] [-f] [-s] [-l] [--json] [pid | task]...",
		.help = "Show the kernel stack of the current context's task, of the tasks\n"
			"named by pid or task_struct address, or with -a of the task running on\n"
			"every CPU, in crash's layout: the task line, then one line per frame\n"
			"with the stack address the return address was found at, the function\n"
			"and the text address.  The unwinder reads the kernel's own unwind data\n"
			"out of the dump (ORC on x86_64, the modules' too) and falls back to the\n"
			"frame-pointer chain without it; --json says which one it used.  A task\n"
			"running on a CPU starts at that CPU's registers (NT_PRSTATUS); any other\n"
			"at its saved context (thread.sp).  Interrupt and exception frames show\n"
			"the saved registers, and a walk leaving an IRQ or exception stack says\n"
			"so (--- <IRQ stack> ---).  On a kdump, a CPU the crashing one stopped by\n"
			"NMI starts in its NMI handler (crash_nmi_callback) on the NMI stack,\n"
			"with the registers its note holds shown as the NMI's exception frame\n"
			"(--- <NMI exception stack> ---); the crashing CPU's registers, saved\n"
			"inside __crash_kexec, go on at the return address above them (a frame\n"
			"found so is marked \"guess\" in --json).  A stack that cannot be\n"
			"followed to its end (a missing page, garbage) is shown as far as it\n"
			"goes, the reason goes to stderr and bt fails.  -l is accepted but line\n"
			"numbers need DWARF line tables, which kdive does not read.\n\n"
			"EXAMPLES\n"
			"  kdive> bt\n"
			"  kdive> bt -a\n"
			"  kdive> bt -s 94\n"
			"  kdive> bt -f ffff8c1edfe848c0\n"
			"  kdive> bt --json 1 | jq -r '.[0].frames[].function'",
		.options = bt_opts,
		.operand = KD_ARG_PID,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES |
			 KD_CMD_NEEDS_TASKS | KD_CMD_USES_MODULES | KD_CMD_CONTEXT_TASK,
		.run = bt_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "bt",
	.version = "1",
	.commands = commands,
};
