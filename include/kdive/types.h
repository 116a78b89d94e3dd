/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file types.h
 * Kernel types from BTF: the .BTF section in the dump's memory
 * (__start_BTF..__stop_BTF), a vmlinux's .BTF (--vmlinux) or a raw BTF file
 * (--btf, e.g. a copy of /sys/kernel/btf/vmlinux).
 *
 * Commands never hard-code an offset: they ask for a member by path
 * ("se.vruntime", through anonymous structs and unions, with "[N]" for array
 * elements) and report the missing member by name when the kernel has none.
 *
 *     struct kd_member_info m;
 *     err = kd_type_member(s, "task_struct", "se.vruntime", &m);
 *     err = kd_read_member_u64(s, "task_struct", "pid", task, &pid);
 *
 * Types are named by their BTF id (uint32_t, 0 is void); ids and the strings
 * returned here stay valid for the session's lifetime.
 */
#ifndef KDIVE_TYPES_H
#define KDIVE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** What a type is. */
enum kd_type_kind {
	KD_TYPE_VOID = 0,
	KD_TYPE_INT,      /**< integers, char and bool */
	KD_TYPE_FLOAT,
	KD_TYPE_PTR,
	KD_TYPE_ARRAY,
	KD_TYPE_STRUCT,
	KD_TYPE_UNION,
	KD_TYPE_ENUM,
	KD_TYPE_FUNC,     /**< a function prototype */
	KD_TYPE_TYPEDEF,
	KD_TYPE_CONST,
	KD_TYPE_VOLATILE,
	KD_TYPE_RESTRICT,
	KD_TYPE_FWD,      /**< a declared but undefined struct or union */
	KD_TYPE_OTHER,
};

/** A type, as kd_type_get() describes it. */
struct kd_type_info {
	uint32_t id;
	enum kd_type_kind kind;
	const char *name;   /**< "" when anonymous */
	uint64_t size;      /**< bytes (typedefs and qualifiers resolved); 0 for void and functions */
	uint32_t target;    /**< PTR, ARRAY (element), TYPEDEF, qualifiers: the type referred to */
	uint64_t nelems;    /**< ARRAY: number of elements */
	uint32_t nmembers;  /**< STRUCT, UNION: members; ENUM: enumerators; FUNC: parameters */
	bool is_signed;     /**< INT, ENUM */
	bool is_char;       /**< INT: a char type (arrays of it print as strings) */
	bool is_bool;       /**< INT: _Bool */
};

/** One member of a struct or union, or the end of a member path. */
struct kd_member_info {
	const char *name;     /**< the member's name ("" for an anonymous struct/union) */
	uint32_t type;        /**< its type id */
	uint64_t offset;      /**< bytes from the start of the outer type */
	uint64_t bit_offset;  /**< bits from the start of the outer type */
	uint32_t bit_size;    /**< bitfield width, 0 if not a bitfield */
	uint64_t size;        /**< bytes of its type */
	uint64_t nelems;      /**< its length if it is an array, else 0 */
};

/**
 * Load the types (the BTF in the dump, or --btf/--vmlinux/--types) if that
 * was not tried yet.  The dispatcher calls it for a command that declares
 * KD_CMD_NEEDS_TYPES or KD_CMD_USES_TYPES; a command that needs types on
 * one path only (log's fallback without VMCOREINFO's SIZE/OFFSET entries)
 * calls it there.  The first failure is kept and returned again (as a copy
 * to destroy) on every call.
 */
KD_API struct kd_error *kd_types_load(struct kd_session *s);
/** True when the types are loaded (never loads them). */
KD_API bool kd_types_available(const struct kd_session *s);

/**
 * Find a type by name: "task_struct" (a struct, union, enum, typedef or base
 * type of that name, in that order), or "struct task_struct", "union x",
 * "enum y".  KD_ERR_NOTFOUND names the type.
 */
KD_API struct kd_error *kd_type_find(struct kd_session *s, const char *name, uint32_t *id_ret);
/** Describe a type. */
KD_API struct kd_error *kd_type_get(struct kd_session *s, uint32_t id, struct kd_type_info *ret);
/** The type with typedefs and const/volatile/restrict removed. */
KD_API uint32_t kd_type_strip(struct kd_session *s, uint32_t id);
/**
 * A type's C name ("struct list_head *", "char [16]", "unsigned long"), in a
 * buffer the caller frees.  With var non-NULL, a declaration of var instead:
 * "char comm[16]", "void (*fn)(int)".
 */
KD_API char *kd_type_name(struct kd_session *s, uint32_t id, const char *var);

/** Called with each name; return non-zero to stop. */
typedef int kd_type_name_fn(const char *name, void *arg);
/**
 * Completion: the distinct names of structs, unions, enums and typedefs that
 * start with prefix, in byte order (the index is built on first use).
 */
KD_API struct kd_error *kd_type_complete(struct kd_session *s, const char *prefix,
					 kd_type_name_fn *fn, void *arg);

/** The size in bytes of a named type. */
KD_API struct kd_error *kd_type_size(struct kd_session *s, const char *type, uint64_t *size_ret);
/**
 * A member by path in a named type: "pid", "se.vruntime", "thread.sp",
 * "comm[3]".  KD_ERR_NOTFOUND says which component is missing.
 */
KD_API struct kd_error *kd_type_member(struct kd_session *s, const char *type, const char *path,
				       struct kd_member_info *ret);
/** Like kd_type_member() starting from a type id. */
KD_API struct kd_error *kd_type_member_by_id(struct kd_session *s, uint32_t id, const char *path,
					     struct kd_member_info *ret);
/**
 * The i-th direct member of a struct or union (anonymous ones included as
 * such, not flattened); offsets are from the start of that type.
 */
KD_API struct kd_error *kd_type_member_at(struct kd_session *s, uint32_t id, uint32_t i,
					  struct kd_member_info *ret);
/** The i-th enumerator of an enum. */
KD_API struct kd_error *kd_enum_at(struct kd_session *s, uint32_t id, uint32_t i,
				   const char **name_ret, int64_t *value_ret);
/**
 * An enumerator's value by name.  enum_type may be NULL to search every
 * enum ("TASK_COMM_LEN", "PIDTYPE_PID"), or name one ("pid_type").
 */
KD_API struct kd_error *kd_enum_value(struct kd_session *s, const char *enum_type, const char *name,
				      int64_t *value_ret);
/** The name of an enum's value, or NULL if none has it. */
KD_API const char *kd_enum_name(struct kd_session *s, uint32_t id, int64_t value);

/* ---- typed reads ------------------------------------------------------------ */

/**
 * An integer, enum, bool, pointer or bitfield member out of a buffer that
 * holds the outer object (read it once, extract many members):
 * zero-extended, or sign-extended to 64 bits for signed types.
 */
KD_API struct kd_error *kd_member_extract(struct kd_session *s, const struct kd_member_info *m,
					  const void *buf, size_t buflen, uint64_t *ret);
/**
 * Read an integer/enum/bool/pointer/bitfield member of the object at addr as
 * a 64-bit value (signed values sign-extended: cast to int64_t).
 */
KD_API struct kd_error *kd_read_member_u64(struct kd_session *s, const char *type, const char *path,
					   uint64_t addr, uint64_t *ret);

/* ---- variables ---------------------------------------------------------------- */

/**
 * The type of a global variable.  BTF describes per-cpu variables only; for
 * others kdive knows a small table of well-known ones (init_task, jiffies,
 * init_mm...), checked against the symbol's size: *inferred_ret (may be NULL)
 * is then true.  KD_ERR_NOTFOUND when neither knows the variable.
 */
KD_API struct kd_error *kd_symbol_type(struct kd_session *s, const char *symbol, uint32_t *id_ret,
				       bool *inferred_ret);
/** True if the variable is per-cpu (its address is an offset: add kd_percpu_offset()). */
KD_API bool kd_symbol_is_percpu(struct kd_session *s, const char *symbol);

#endif
