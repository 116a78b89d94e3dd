/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The architecture backends: address translation and machine facts for one
 * dumped machine, as leaves below the core.
 *
 * A backend knows nothing of the session.  The core's virtual-memory layer
 * (vm.c) picks the backend for the dump's e_machine with
 * kd_arch_find(), hands it a struct kd_arch_ctx (a physical-read callback,
 * VMCOREINFO and symbol lookups, the dump's physical ranges and notes, a
 * warning sink), owns the translation cache (TLB) and implements the public
 * kd_translate / kd_read_virt / kd_walk / kd_vm_* API on top of the ops.  A
 * backend reads page tables only through ctx->read_phys (the session's
 * kd_read_phys, or a fake in the unit tests), never sees the dump format and
 * includes nothing from shell/.
 *
 * To add an architecture (one new file, one table entry, one Makefile.am line):
 *   1. Write arch/<name>.c defining `const struct kd_arch_ops kd_arch_<name>`:
 *      - info: the machine's facts for commands (<kdive/arch.h>: name, word
 *        size, disassembler, register names, NT_PRSTATUS layout);
 *      - page_sizes: every size translate() can return, smallest first (the
 *        TLB keeps one set per size);
 *      - init(ctx) reads VMCOREINFO through ctx (page size, root table,
 *        layout bases) and allocates the private state; post_symbols(ctx)
 *        refines the layout once symbols are loaded (optional);
 *      - translate() and walk() implement the page-table walk (walk() calls
 *        the callback once per level, top first, with the level's name, the
 *        VA bits indexing it, the table and entry addresses and the raw
 *        entry); next_mapped() finds the next mapped page;
 *      - pte_flags() and pte_swap() decode entries for vtop; regions()
 *        describes the kernel virtual memory map for `layout` and `vtop -v`;
 *        info_get() gives the paging facts; fini() frees the state;
 *      - find_kernel() (optional) finds the kernel from a CPU's saved state
 *        for dumps without VMCOREINFO (the core's derive.c does the rest);
 *      - unwinder (optional) walks kernel stacks for bt (struct
 *        kd_arch_unwinder; x86_64's is in arch/x86_64_unwind.c).
 *      A machine the core cannot translate for yet may leave init NULL and
 *      give only info (arch/aarch64.c).  Put the backend's constructor for
 *      tests in arch/<name>.h (as arch/x86_64.h does with kd_x86_64_create)
 *      so tests/unit/test_<name>.c can drive the walker on synthetic tables.
 *   2. Add it to the table in arch/arch.c: its extern declaration and its
 *      entry in backends[].
 *   3. Add the file to libkdcore_la_SOURCES in Makefile.am.
 *   Nothing else changes: commands see only <kdive/session.h> and <kdive/arch.h>.
 */
#ifndef KD_ARCH_ARCH_H
#define KD_ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/arch.h>
#include <kdive/error.h>
#include <kdive/dump.h> /* kd_phys_range, kd_note */
#include <kdive/vm.h>   /* kd_as, kd_walk_level, kd_vm_* */
#include <kdive/types.h> /* kd_member_info */
#include <kdive/unwind.h> /* kd_frame, kd_unwind_result */

/** Read physical memory for the walker (the session's kd_read_phys, or a fake). */
typedef struct kd_error *kd_phys_read_fn(void *arg, uint64_t pa, void *buf, size_t len);
/** Translate one virtual address (a backend's translate, or the core's cached one). */
typedef struct kd_error *kd_virt_xlat_fn(void *arg, uint64_t va, uint64_t *pa_ret);

/**
 * Read virtual memory page by page: translate each page with xlat, read it
 * with read.  An error names the virtual and physical address.  The core's
 * kd_read_virt and a backend reading kernel variables share it.
 */
struct kd_error *kd_arch_read_virt(kd_virt_xlat_fn *xlat, void *xarg, kd_phys_read_fn *read, void *rarg,
				   uint64_t page_size, uint64_t va, void *buf, size_t len);

/**
 * What a backend may ask of the dump, in the spirit of libaddrxlat's
 * callbacks.  Every callback gets arg.  Only read_phys is required; the
 * others may be NULL (a unit test, or no symbols).
 */
struct kd_arch_ctx {
	void *arg;
	kd_phys_read_fn *read_phys;
	/** The VMCOREINFO value of key as text, NULL if absent. */
	const char *(*vmcoreinfo)(void *arg, const char *key);
	/** The VMCOREINFO value of key as a number; KD_ERR_NOTFOUND if absent. */
	struct kd_error *(*vmcoreinfo_number)(void *arg, const char *key, uint64_t *ret);
	/** A symbol's address; fails when there is no such symbol or no symbol table. */
	struct kd_error *(*symbol_address)(void *arg, const char *name, uint64_t *ret);
	/** The dump's physical ranges, sorted by start. */
	size_t (*phys_range_count)(void *arg);
	const struct kd_phys_range *(*phys_range)(void *arg, size_t i);
	/** The dump's ELF notes (CPU states for find_kernel). */
	size_t (*note_count)(void *arg);
	const struct kd_note *(*note)(void *arg, size_t i);
	/** Report something odd but not fatal ("warning: ..." on the session). */
	void (*warn)(void *arg, const char *fmt, ...) KD_PRINTF(2, 3);

	/* For the unwinder (NULL in the translation paths): */
	/** Read kernel virtual memory. */
	struct kd_error *(*read_kernel)(void *arg, uint64_t va, void *buf, size_t len);
	/** A member of a named type by path, from the dump's types (BTF). */
	struct kd_error *(*member)(void *arg, const char *type, const char *path,
				   struct kd_member_info *ret);
	/** The size of a named type. */
	struct kd_error *(*type_size)(void *arg, const char *type, uint64_t *ret);
	/** A CPU's per-cpu offset (__per_cpu_offset[cpu]). */
	struct kd_error *(*percpu_offset)(void *arg, unsigned cpu, uint64_t *ret);
	/** The struct module whose core text holds addr; false if none (or modules not loaded). */
	bool (*module_at)(void *arg, uint64_t addr, uint64_t *module_ret);
};

/**
 * Where an unwind starts: a task and, when it was running, its CPU's
 * registers.  A task that was not running starts from its saved state.
 */
struct kd_arch_unwind_start {
	uint64_t task;              /**< task_struct (0: unknown; only the CPU's stacks bound the walk) */
	int cpu;                    /**< the CPU whose per-CPU stacks (IRQ, exception) apply; -1 none */
	bool have_regs;             /**< start from regs (the CPU's NT_PRSTATUS) */
	struct kd_prstatus regs;
};

/**
 * A machine's unwinder (optional in kd_arch_ops).  init reads what it needs
 * once (unwind tables, layouts) through ctx, which has the unwinder's
 * callbacks (read_kernel, member ...); unwind walks one stack calling fn
 * per frame, bounded by KD_UNWIND_MAX_FRAMES, and fills *ret; it returns an
 * error only when the walk cannot start.
 */
struct kd_arch_unwinder {
	struct kd_error *(*init)(const struct kd_arch_ctx *ctx, void **state_ret);
	struct kd_error *(*unwind)(void *state, const struct kd_arch_ctx *ctx,
				   const struct kd_arch_unwind_start *start, kd_frame_fn *fn, void *arg,
				   struct kd_unwind_result *ret);
	void (*fini)(void *state);
};

enum kd_xlat_mode { KD_XLAT_ANY, KD_XLAT_WALK, KD_XLAT_FAST };

/**
 * The kernel as find_kernel() found it from one CPU's saved state, for a
 * dump without VMCOREINFO (the core's derive.c finds the symbols in the
 * image and writes the VMCOREINFO text).
 */
struct kd_arch_kernel {
	void *state;            /**< a backend state translating under that CPU's page tables (fini frees it) */
	uint64_t stext;         /**< the kernel image's first address (_stext) */
	uint64_t window_start;  /**< the kernel image lies in [window_start, window_end) */
	uint64_t window_end;
	unsigned page_size;     /**< PAGESIZE */
	const char *root_symbol; /**< the kernel page-table root's symbol ("init_top_pgt") */
	char vmcoreinfo[512];   /**< KEY=value lines the arch knows (phys_base, KERNELOFFSET ...) */
	bool stop;              /**< on error: no such CPU or its state is unusable; later CPUs neither */
};

struct kd_arch_ops {
	/** The machine's facts for commands; info->e_machine selects the backend. */
	const struct kd_arch_info *info;
	/** Page sizes translate() may return, smallest first, 0-terminated (at most 4). */
	const uint64_t *page_sizes;
	/** Set up from VMCOREINFO; *state_ret is the backend's private state. NULL: no translation. */
	struct kd_error *(*init)(const struct kd_arch_ctx *ctx, void **state_ret);
	/** Second stage, once symbols are loaded (may find layout variables); optional. */
	struct kd_error *(*post_symbols)(const struct kd_arch_ctx *ctx, void *state);
	/**
	 * Translate va in as.  KD_XLAT_ANY: a linear fast path (kernel text,
	 * direct map) if one applies, else the walk; KD_XLAT_WALK: always
	 * walk; KD_XLAT_FAST: the fast path only (KD_ERR_NOTFOUND if none).
	 */
	struct kd_error *(*translate)(void *state, const struct kd_as *as, uint64_t va,
				      enum kd_xlat_mode mode, uint64_t *pa_ret, uint64_t *pagesize_ret);
	/** Walk the tables for va calling cb once per level (see kd_walk()). */
	struct kd_error *(*walk)(void *state, const struct kd_as *as, uint64_t va, kd_walk_fn *cb,
				 void *arg);
	/** Names of the flags set in entry, '|'-separated, into buf. */
	void (*pte_flags)(uint64_t entry, char *buf, size_t size);
	/** A not-present entry holding a swap entry: type and offset. */
	bool (*pte_swap)(uint64_t entry, uint64_t *type_ret, uint64_t *offset_ret);
	/**
	 * Optional: where a swap entry's layout changed across kernels in ways
	 * no type shows (arm64 6.10 moved type and offset), decode it as layout
	 * n < swap_layouts (0: what pte_swap does); kd_pte_swap() picks the one
	 * whose slot the kernel's swap map holds.
	 */
	unsigned swap_layouts;
	bool (*pte_swap_layout)(uint64_t entry, unsigned layout, uint64_t *type_ret, uint64_t *offset_ret);
	/** Optional: whether a leaf or swap entry is soft-dirty (absent: never). */
	bool (*pte_soft_dirty)(uint64_t entry);
	/** Optional: kd_walk_range() (absent: kd_walk() a page at a time). */
	struct kd_error *(*walk_range)(void *state, const struct kd_as *as, uint64_t lo, uint64_t hi,
				       kd_walk_fn *cb, void *arg);
	/** The kernel virtual memory map, sorted by start. */
	size_t (*regions)(void *state, const struct kd_vm_region **ret);
	/** Facts about the paging setup, for vtop and layout. */
	void (*info_get)(void *state, struct kd_vm_info *ret);
	/**
	 * Find the first mapped page at or above va and below end (exclusive,
	 * 0 = top of the address space): *va_ret, *pa_ret, *size_ret.
	 * KD_ERR_NOTFOUND when there is none.
	 */
	struct kd_error *(*next_mapped)(void *state, const struct kd_as *as, uint64_t va,
					uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
					uint64_t *size_ret);
	void (*fini)(void *state);
	/**
	 * No VMCOREINFO (optional): from CPU cpu's saved state in the dump's
	 * notes, a translation under its page tables and where the kernel is.
	 */
	struct kd_error *(*find_kernel)(const struct kd_arch_ctx *ctx, unsigned cpu,
					struct kd_arch_kernel *ret);
	/** Backtraces (optional): the machine's unwinder, for <kdive/unwind.h>. */
	const struct kd_arch_unwinder *unwinder;
};

/** The backend for an ELF e_machine (EM_X86_64 ...), or NULL. */
const struct kd_arch_ops *kd_arch_find(unsigned e_machine);

/*
 * For a backend's next_mapped(): the page tables it scanned whole and found
 * empty, by (table, depth).  Corrupted tables may all point to the same few
 * tables (or back to the root), and rescanning each would cost
 * entries^levels reads.  A full scan's result does not depend on where the
 * table is reached from, and a dump does not change, so each one is scanned
 * once (the set lives as long as the backend's state; zero-initialised).
 */
struct kd_arch_empty_tables {
	uint64_t *v; // table | (depth + 1) (tables are 4 KiB aligned); 0 = free slot
	size_t n, cap;
};
bool kd_arch_empty_has(const struct kd_arch_empty_tables *e, uint64_t table, unsigned depth);
/** Record a table found empty (out of memory: not recorded, only slower). */
void kd_arch_empty_add(struct kd_arch_empty_tables *e, uint64_t table, unsigned depth);
void kd_arch_empty_free(struct kd_arch_empty_tables *e);

/*
 * translate()'s error when the walk ended without a page: the table at
 * level was unreadable (read_err, taken over), or its entry holds a swap
 * entry (swap), or it maps nothing ("is not present", "is not valid":
 * the machine's word).
 */
struct kd_arch_xlat_end {
	uint64_t va;
	const char *level;          /* the table level the walk ended at ("PTE" ...) */
	uint64_t table;             /* that table's physical address */
	unsigned index;             /* the entry's index in it */
	uint64_t entry_addr;        /* the entry's physical address */
	struct kd_error *read_err;  /* non-NULL: the table was unreadable, why */
	bool swap;
	uint64_t swap_type, swap_offset;
	/* a swap entry whose type and offset depend on a layout the arch cannot
	 * tell from the entry (arm64 before and after 6.10): the raw entry is
	 * named instead of a decoding that may be wrong (vtop asks the swap map) */
	bool swap_undecided;
	uint64_t entry;
	const char *absent;
};
struct kd_error *kd_arch_xlat_error(const struct kd_arch_xlat_end *e);

/*
 * The stacks one unwinder walk may cross (the task's, the CPU's IRQ and
 * exception stacks), each read a page at a time, once, as the walk asks
 * for its words (little-endian: x86_64 and arm64 kernels).  Zero-initialise,
 * add the stacks, and free after the walk.
 */
enum { KD_ARCH_MAX_STACKS = 10 };
struct kd_arch_stack {
	uint64_t start, end;
	const char *name;
	uint8_t *buf;
	uint8_t *chunk; /* per page: 0 unread, 1 read, 2 unreadable */
};
struct kd_arch_stacks {
	struct kd_arch_stack s[KD_ARCH_MAX_STACKS];
	unsigned n;
	uint64_t bad_addr;   /* the last word that could not be read */
	const char *bad_why; /* and why */
};
/* Add [start, start + size) (ignored when full, empty or over 4 MiB). */
void kd_arch_stacks_add(struct kd_arch_stacks *st, uint64_t start, uint64_t size, const char *name);
/* The index of the stack holding addr, -1 if none. */
int kd_arch_stacks_find(const struct kd_arch_stacks *st, uint64_t addr);
/* Its name, "unknown" if none. */
const char *kd_arch_stacks_name(const struct kd_arch_stacks *st, uint64_t addr);
/* The aligned word at addr on a known stack; false with bad_addr and bad_why set. */
bool kd_arch_stacks_word(struct kd_arch_stacks *st, const struct kd_arch_ctx *c, uint64_t addr, uint64_t *v);
void kd_arch_stacks_free(struct kd_arch_stacks *st);

#endif
