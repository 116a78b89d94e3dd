// SPDX-License-Identifier: GPL-3.0-or-later
// ipcs: the System V IPC objects of the initial IPC namespace (shared
// memory segments, semaphore arrays, message queues) in crash's layout.
// Each kind is an IDR of struct kern_ipc_perm pointers in init_ipc_ns.ids[]
// (include/linux/ipc_namespace.h: ids[IPC_SEM_IDS = 0, IPC_MSG_IDS = 1,
// IPC_SHM_IDS = 2]); the perm is embedded in struct shmid_kernel
// (ipc/shm.c), struct sem_array (include/linux/sem.h) and struct msg_queue
// (ipc/msg.c).  Every layout comes from the dump's BTF.
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kobj.h"

enum { O_S, O_M, O_Q, O_JSON, O_NOPT };
static const struct kd_option ipcs_opts[] = {
	[O_S] = { "s", KD_ARG_NONE, NULL, "semaphore arrays only" },
	[O_M] = { "m", KD_ARG_NONE, NULL, "shared memory segments only" },
	[O_Q] = { "q", KD_ARG_NONE, NULL, "message queues only" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// One kind of IPC object.
struct kind {
	const char *name;     // "shm" for JSON
	int ids;              // index in ipc_namespace.ids[]
	const char *type;     // the container struct
	const char *perm;     // its kern_ipc_perm member
	const char *header;
};

static const struct kind kinds[] = {
	{ "shm", 2, "shmid_kernel", "shm_perm",
	  "SHM_KERNEL_ID     KEY       SHMID      UID   PERMS  BYTES       NATTCH  STATUS\n" },
	{ "sem", 0, "sem_array", "sem_perm", "SEM_ARRAY         KEY       SEMID      UID   PERMS  NSEMS\n" },
	{ "msg", 1, "msg_queue", "q_perm",
	  "MSG_QUEUE         KEY       MSQID      UID   PERMS  USED-BYTES  MESSAGES\n" },
};

struct walk {
	const struct kind *k;
	unsigned base;    // idr_base
	size_t shown, bad;
	bool json;
};

static uint64_t perm(struct ko *r, const struct kind *k, const char *field, uint64_t obj)
{
	char path[64];
	snprintf(path, sizeof(path), "%s.%s", k->perm, field);
	return ko_get(r, k->type, path, obj);
}

static struct kd_error *one(struct kd_session *s, uint64_t index, uint64_t entry, void *arg)
{
	struct walk *w = arg;
	const struct kind *k = w->k;
	struct ko r = { s, NULL };
	uint64_t obj = entry - ko_off(&r, k->type, k->perm);
	uint32_t key = (uint32_t)perm(&r, k, "key", obj);
	int64_t id = (int32_t)perm(&r, k, "id", obj);
	uint64_t uid = perm(&r, k, "uid.val", obj);
	uint64_t mode = perm(&r, k, "mode", obj);
	uint64_t a = 0, b = 0;
	if (k->ids == 2) {
		a = ko_get(&r, k->type, "shm_segsz", obj);
		b = ko_get(&r, k->type, "shm_nattch", obj);
	} else if (k->ids == 0) {
		a = ko_get(&r, k->type, "sem_nsems", obj);
	} else {
		a = ko_get(&r, k->type, "q_cbytes", obj);
		b = ko_get(&r, k->type, "q_qnum", obj);
	}
	if (r.err) {
		kd_warn(s, "ipcs: %s id index %" PRIu64 " at 0x%016" PRIx64 ": %s", k->name, index + w->base, obj,
			r.err->msg);
		kd_error_destroy(ko_take(&r));
		w->bad++;
		return NULL;
	}
	w->shown++;
	// SHM_DEST and SHM_LOCKED (include/uapi/linux/shm.h) live in the mode.
	const char *status = k->ids != 2 ? "" : (mode & 01000) ? "dest" : (mode & 02000) ? "locked" : "";
	if (w->json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "kind", k->name);
		kd_json_hex(s, "address", obj);
		kd_json_u64(s, "key", key);
		kd_json_i64(s, "id", id);
		kd_json_u64(s, "uid", uid);
		char oct[8];
		snprintf(oct, sizeof(oct), "%" PRIo64, mode & 0777);
		kd_json_string(s, "perms", oct);
		if (k->ids == 2) {
			kd_json_u64(s, "bytes", a);
			kd_json_u64(s, "nattch", b);
			kd_json_string(s, "status", status);
		} else if (k->ids == 0) {
			kd_json_u64(s, "nsems", a);
		} else {
			kd_json_u64(s, "used_bytes", a);
			kd_json_u64(s, "messages", b);
		}
		kd_json_end_object(s);
		return NULL;
	}
	if (w->shown == 1)
		kd_printf(s, "%s", k->header);
	kd_printf(s, "%016" PRIx64 "  %08" PRIx32 "  %-10" PRId64 " %-5" PRIu64 " %-5" PRIo64 "  ", obj, key, id, uid,
		  mode & 0777);
	if (k->ids == 2)
		kd_printf(s, "%-10" PRIu64 "  %-6" PRIu64 "  %s\n", a, b, status);
	else if (k->ids == 0)
		kd_printf(s, "%" PRIu64 "\n", a);
	else
		kd_printf(s, "%-10" PRIu64 "  %" PRIu64 "\n", a, b);
	return NULL;
}

static struct kd_error *ipcs_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	bool all = !v[O_S].count && !v[O_M].count && !v[O_Q].count;
	bool want[3] = { all || v[O_M].count, all || v[O_S].count, all || v[O_Q].count };
	struct ko r = { s, NULL };
	uint64_t ns = ko_sym(&r, "init_ipc_ns");
	uint64_t ids_off = ko_off(&r, "ipc_namespace", "ids");
	uint64_t ids_size = ko_size(&r, "ipc_ids");
	uint64_t idr_off = ko_off(&r, "ipc_ids", "ipcs_idr");
	if (r.err)
		return ko_take(&r);
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	struct kd_error *err = NULL;
	size_t bad = 0, printed = 0;
	for (int i = 0; i < 3 && !err; i++) {
		if (!want[i])
			continue;
		const struct kind *k = &kinds[i];
		uint64_t ids = ns + ids_off + (uint64_t)k->ids * ids_size;
		struct walk w = { k, (unsigned)ko_get(&r, "idr", "idr_base", ids + idr_off), 0, 0, json };
		if (r.err) {
			kd_warn(s, "ipcs: %s ids at 0x%016" PRIx64 ": %s", k->name, ids, r.err->msg);
			kd_error_destroy(ko_take(&r));
			bad++;
			continue;
		}
		if (!json && printed)
			kd_printf(s, "\n");
		struct kd_error *e = ko_xarray(s, ids + idr_off, one, &w);
		if (e && e->code == KD_ERR_INTERRUPTED) {
			err = e;
			break;
		}
		if (e) {
			kd_warn(s, "ipcs: %s: %s", k->name, e->msg);
			kd_error_destroy(e);
			bad++;
		}
		bad += w.bad;
		if (!json && !w.shown)
			kd_printf(s, "%s%s", k->header, w.bad ? "" : "(none allocated)\n");
		printed++;
	}
	if (json)
		kd_json_end_array(s);
	if (!err && bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu IPC object(s) or table(s) unreadable (named above)", bad);
	return err;
}

static const struct kd_command commands[] = {
	{
		.name = "ipcs",
		.summary = "System V IPC shared memory, semaphores and message queues",
		.help = "List the System V IPC objects of the initial IPC namespace, read from\n"
			"init_ipc_ns's IDRs: shared memory segments (key, id, owner uid,\n"
			"permissions, size, attach count, status dest/locked), semaphore arrays\n"
			"(number of semaphores) and message queues (bytes and messages queued).\n"
			"Each line starts with the kernel object's address (struct shmid_kernel,\n"
			"sem_array, msg_queue).  -m, -s and -q select kinds.\n\n"
			"EXAMPLES\n"
			"  kdive> ipcs -m\n"
			"  kdive> ipcs --json",
		.options = ipcs_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
		.run = ipcs_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "ipcs",
	.version = "1",
	.commands = commands,
};
