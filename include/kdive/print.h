/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file print.h
 * Printing typed values and type definitions, the way struct, p and list
 * show them, for any command that has a kernel object to show (an entry of
 * a list, a task's members, a slab object...).
 *
 * Values print as gdb and crash print them: struct members as
 * "name = value", nested structs in braces, char arrays as strings, pointers
 * in hex followed by <symbol+offset> when they point into the kernel or a
 * module, enums by name, bitfields by value.  kd_print_value() writes this
 * text and kd_json_value() the same value as JSON; kd_print_object() and
 * kd_print_type_definition() write whole records, as JSON when the command
 * was given --json (kd_json_mode()) and as text otherwise.
 *
 *     struct kd_member_spec sp;
 *     err = kd_member_spec_init(s, &sp, "struct", "task_struct.pid,comm");
 *     if (!err)
 *             err = kd_print_object(s, sp.type, task, sp.members, sp.nmembers);
 *     kd_member_spec_deinit(&sp);
 *
 * prints "  pid = 1,\n  comm = \"init\",\n" (or {"type":..., "value":
 * {"pid": 1, "comm": "init"}} with --json).
 */
#ifndef KDIVE_PRINT_H
#define KDIVE_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** Where a value lies in its buffer, and the text layout around it. */
struct kd_value_opts {
	uint64_t bit_offset; /**< where the value starts in the buffer, in bits */
	uint32_t bit_size;   /**< a bitfield's width, 0 if the value is not a bitfield */
	int indent;          /**< text: the indentation of the line the value starts on */
};

/**
 * Print the value of type `type` held in buf[0..len) as text, at the current
 * position and without a newline; nested members start lines at
 * opts->indent + 2.  opts may be NULL: the value starts at buf, indent 0.
 * Bytes the buffer does not hold print as "<not read>".
 */
KD_API void kd_print_value(struct kd_session *s, uint32_t type, const void *buf, size_t len,
			   const struct kd_value_opts *opts);
/**
 * The same value as JSON, under key in the current object (NULL in an
 * array or at the top level): structs as objects, arrays as arrays,
 * pointers as hex strings, enums by name, char arrays as strings.
 */
KD_API void kd_json_value(struct kd_session *s, const char *key, uint32_t type, const void *buf,
			  size_t len, const struct kd_value_opts *opts);
/**
 * A kernel address as a value prints it: "0xffffffff81e0a440 <init_task>",
 * with <symbol+offset> when it points into the kernel or a module.
 */
KD_API void kd_print_pointer(struct kd_session *s, uint64_t addr);

/**
 * Read the object of type `type` (a struct or union) at a kernel address and
 * print it: the whole object ("struct list_head {\n  next = ...}\n"), or, with
 * nmembers > 0, only those member paths ("  pid = 1,\n" each).  With --json,
 * one object {"type", "address", "value": {members}}.  Errors if the object
 * cannot be read or a member does not exist.
 */
KD_API struct kd_error *kd_print_object(struct kd_session *s, uint32_t type, uint64_t addr,
					char *const *members, int nmembers);

/**
 * A type with chosen members, as commands take it on their command line:
 * "task_struct.pid,comm" or "task_struct" (all of it).
 */
struct kd_member_spec {
	uint32_t type;    /**< the struct or union (typedefs of one resolved) */
	char **members;   /**< the member paths after the '.', NULL-terminated */
	int nmembers;     /**< 0 when the spec names the type alone */
	char *buf;        /**< storage of the names */
};

/**
 * Parse "name[.member[,member...]]" and look the type up as `keyword name`
 * ("struct" or "union"; "struct x" and "union x" are taken as they are, and
 * a typedef of a struct or union too); every member path must exist.
 * Call kd_member_spec_deinit() afterwards, even on error.
 */
KD_API struct kd_error *kd_member_spec_init(struct kd_session *s, struct kd_member_spec *sp,
					    const char *keyword, const char *text);
/** Free what kd_member_spec_init() allocated. */
KD_API void kd_member_spec_deinit(struct kd_member_spec *sp);

/** How kd_print_type_definition() shows a type. */
struct kd_def_opts {
	bool offsets;            /**< each member's offset in bytes, as crash's struct -o */
	char *const *members;    /**< only these member paths of a struct or union */
	int nmembers;            /**< 0: the whole definition */
};

/**
 * A type's definition as crash's struct and whatis show it: a struct or
 * union's members (anonymous ones expanded) and SIZE, an enum's values, a
 * typedef's line, a base type's name.  opts may be NULL.  With --json, one
 * object with name, size, kind and members, values or declaration.
 */
KD_API struct kd_error *kd_print_type_definition(struct kd_session *s, uint32_t type,
						 const struct kd_def_opts *opts);

#endif
