// SPDX-License-Identifier: GPL-3.0-or-later
// net: network devices, the ARP cache and a task's sockets, in crash's
// layouts.
//   net        the devices of init_net (or, with -n PID, of that task's network
//              namespace): struct net_device on net->dev_base_head through
//              dev_list (include/linux/netdevice.h), with the IPv4
//              addresses of its in_device's ifa_list (include/linux/inetdevice.h)
//   net -a     the IPv4 neighbour table arp_tbl (struct neigh_table, its
//              neigh_hash_table's buckets of struct neighbour chains,
//              include/net/neighbour.h), as /proc/net/arp
//   net -s     the sockets among a task's open files (files_struct->fdt->fd[],
//              include/linux/fdtable.h; a socket's file has f_op ==
//              &socket_file_ops and private_data a struct socket, whose inode
//              follows it in struct socket_alloc, include/net/sock.h)
// Addresses and ports are read as the bytes the kernel keeps in network
// order; every layout comes from BTF.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kobj.h"

enum { O_A, O_S, O_N, O_JSON, O_NOPT };
static const struct kd_option net_opts[] = {
	[O_A] = { "a", KD_ARG_NONE, NULL, "the ARP cache (IPv4 neighbour table)" },
	[O_S] = { "s", KD_ARG_NONE, NULL, "the sockets among the open files of the task given (or the current one)" },
	[O_N] = { "n", KD_ARG_NONE, NULL, "the devices of the network namespace of the task given" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// Raw bytes of a member (network-order fields are read as they are stored).
static struct kd_error *member_bytes(struct kd_session *s, const char *type, const char *path, uint64_t obj,
				     void *buf, size_t len)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err)
		return err;
	return kd_read_kernel(s, obj + m.offset, buf, len);
}

static void ipv4(const uint8_t b[4], char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* ---- devices ------------------------------------------------------------------ */

struct devwalk {
	struct ko_run *rn;
	uint64_t list_off;
};

static struct kd_error *one_dev(struct kd_session *s, uint64_t node, void *arg)
{
	struct devwalk *w = arg;
	struct ko_run *rn = w->rn;
	struct ko r = { s, NULL };
	uint64_t dev = node - w->list_off;
	char name[17] = "?";
	struct kd_error *err = member_bytes(s, "net_device", "name", dev, name, 16);
	name[16] = 0;
	if (err) {
		ko_bad(rn, err, "the device name of the net_device", dev);
		snprintf(name, sizeof(name), "?");
	}
	int64_t ifindex = (int32_t)ko_get(&r, "net_device", "ifindex", dev);
	uint64_t indev = ko_get(&r, "net_device", "ip_ptr", dev);
	if (r.err) {
		ko_bad(rn, ko_take(&r), "the net_device", dev);
		return NULL;
	}
	char addrs[512] = "";
	size_t len = 0;
	if (rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "net_device", dev);
		kd_json_string(s, "name", name);
		kd_json_i64(s, "ifindex", ifindex);
		kd_json_begin_array(s, "ipv4");
	}
	uint64_t ifa = indev ? ko_get(&r, "in_device", "ifa_list", indev) : 0;
	struct kd_cycle cyc = { 0 };
	for (int n = 0; ifa && !r.err && n < 256 && !kd_cycle_step(&cyc, ifa); n++) {
		uint8_t ip[4];
		char txt[20];
		if ((r.err = member_bytes(s, "in_ifaddr", "ifa_local", ifa, ip, 4)))
			break;
		ipv4(ip, txt, sizeof(txt));
		if (rn->json)
			kd_json_string(s, NULL, txt);
		else if (len < sizeof(addrs))
			len += (size_t)snprintf(addrs + len, sizeof(addrs) - len, "%s%s", len ? ", " : "", txt);
		ifa = ko_get(&r, "in_ifaddr", "ifa_next", ifa);
	}
	if (r.err)
		ko_bad(rn, ko_take(&r), "the IPv4 addresses of the net_device", dev);
	if (rn->json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%016" PRIx64 "  %-6s %s\n", dev, name, addrs);
	}
	return NULL;
}

static struct kd_error *show_devices(struct ko_run *rn, uint64_t net)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t head = net + ko_off(&r, "net", "dev_base_head");
	struct devwalk w = { rn, ko_off(&r, "net_device", "dev_list") };
	if (r.err)
		return ko_take(&r);
	if (rn->json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "   NET_DEVICE     NAME   IP ADDRESS(ES)\n");
	struct kd_error *err = ko_list(s, head, one_dev, &w);
	if (rn->json)
		kd_json_end_array(s);
	if (err && err->code != KD_ERR_INTERRUPTED) {
		ko_bad(rn, err, "the device list of the net namespace", net);
		err = NULL;
	}
	return err;
}

/* ---- ARP cache ------------------------------------------------------------------ */

static const char *nud_name(unsigned st)
{
	// NUD_* (include/uapi/linux/neighbour.h), the highest bit set.
	static const char *const names[] = { "INCOMPLETE", "REACHABLE", "STALE", "DELAY",
					     "PROBE", "FAILED", "NOARP", "PERMANENT" };
	for (int b = 7; b >= 0; b--)
		if (st & (1u << b))
			return names[b];
	return "NONE";
}

static struct kd_error *show_arp(struct ko_run *rn)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t tbl = ko_sym(&r, "arp_tbl");
	uint64_t nht = ko_get(&r, "neigh_table", "nht", tbl);
	uint64_t buckets = ko_get(&r, "neigh_hash_table", "hash_buckets", nht);
	uint64_t shift = ko_get(&r, "neigh_hash_table", "hash_shift", nht);
	if (r.err)
		return kd_error_prefix(ko_take(&r), "the ARP table (arp_tbl)");
	if (shift > 24)
		return kd_error_create(KD_ERR_CORRUPT, "arp_tbl's hash_shift is %" PRIu64, shift);
	if (rn->json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "NEIGHBOUR         IP ADDRESS       HW TYPE  HW ADDRESS         DEVICE  STATE\n");
	struct kd_error *err = NULL;
	for (uint64_t i = 0; i < (1ull << shift) && !err; i++) {
		uint64_t n = ko_word(&r, buckets + i * 8);
		struct kd_cycle cyc = { 0 };
		for (int k = 0; n && !r.err && k < 65536; k++) {
			if (kd_cycle_step(&cyc, n)) {
				r.err = kd_error_create(KD_ERR_CORRUPT, "the chain loops");
				break;
			}
			if ((err = kd_check_interrupt(s)))
				break;
			uint8_t ip[4], ha[32];
			char ipt[20], hat[100] = "", dn[17] = "?";
			uint64_t dev = ko_get(&r, "neighbour", "dev", n);
			unsigned st = (unsigned)ko_get(&r, "neighbour", "nud_state", n);
			uint64_t next = ko_get(&r, "neighbour", "next", n);
			uint64_t alen = dev ? ko_get(&r, "net_device", "addr_len", dev) : 0;
			uint64_t htype = dev ? ko_get(&r, "net_device", "type", dev) : 0;
			if (!r.err)
				r.err = member_bytes(s, "neighbour", "primary_key", n, ip, 4);
			if (!r.err)
				r.err = member_bytes(s, "neighbour", "ha", n, ha, sizeof(ha));
			if (!r.err && dev)
				r.err = member_bytes(s, "net_device", "name", dev, dn, 16);
			if (r.err)
				break;
			dn[16] = 0;
			ipv4(ip, ipt, sizeof(ipt));
			for (uint64_t b = 0; b < alen && b < sizeof(ha); b++)
				snprintf(hat + (b ? 3 * b - 1 : 0), sizeof(hat) - 3 * b, "%s%02x", b ? ":" : "", ha[b]);
			if (rn->json) {
				kd_json_begin_object(s, NULL);
				kd_json_hex(s, "neighbour", n);
				kd_json_string(s, "ip", ipt);
				kd_json_u64(s, "hw_type", htype);
				kd_json_string(s, "hw_address", hat);
				kd_json_string(s, "device", dn);
				kd_json_u64(s, "nud_state", st);
				kd_json_string(s, "state", nud_name(st));
				kd_json_end_object(s);
			} else {
				kd_printf(s, "%016" PRIx64 "  %-15s  0x%-5" PRIx64 "  %-17s  %-6s  %s\n", n, ipt, htype, hat, dn,
					  nud_name(st));
			}
			n = next;
		}
		if (r.err)
			ko_bad(rn, ko_take(&r), "a chain of arp_tbl's hash", buckets + i * 8);
	}
	if (rn->json)
		kd_json_end_array(s);
	return err;
}

/* ---- a task's sockets ---------------------------------------------------------- */

static const char *family_name(uint64_t f)
{
	// AF_* (include/linux/socket.h): the common ones.
	switch (f) {
	case 1: return "UNIX";
	case 2: return "INET";
	case 10: return "INET6";
	case 16: return "NETLINK";
	case 17: return "PACKET";
	default: return NULL;
	}
}

static const char *type_name(struct kd_session *s, uint64_t t)
{
	const char *n = NULL;
	uint32_t id;
	struct kd_error *err = kd_type_find(s, "enum sock_type", &id);
	if (!err)
		n = kd_enum_name(s, id, (int64_t)t);
	kd_error_destroy(err);
	return n && strncmp(n, "SOCK_", 5) == 0 ? n + 5 : n;
}

static void one_socket(struct ko_run *rn, int fd, uint64_t file, uint64_t sock)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t sk = ko_get(&r, "socket", "sk", sock);
	uint64_t alloc = sock - ko_off(&r, "socket_alloc", "socket");
	uint64_t ino = ko_get(&r, "socket_alloc", "vfs_inode.i_ino", alloc);
	uint64_t fam = sk ? ko_get(&r, "sock", "__sk_common.skc_family", sk) : 0;
	uint64_t type = sk ? ko_get(&r, "sock", "sk_type", sk) : ko_get(&r, "socket", "type", sock);
	if (r.err) {
		ko_bad(rn, ko_take(&r), "the socket", sock);
		return;
	}
	char src[64] = "", dst[64] = "", fb[16], tb[16];
	if (sk && (fam == 2)) {
		uint8_t sa[4], da[4], dp[2];
		uint64_t sport = ko_get(&r, "sock", "__sk_common.skc_num", sk); // host order
		if (!r.err)
			r.err = member_bytes(s, "sock", "__sk_common.skc_rcv_saddr", sk, sa, 4);
		if (!r.err)
			r.err = member_bytes(s, "sock", "__sk_common.skc_daddr", sk, da, 4);
		if (!r.err)
			r.err = member_bytes(s, "sock", "__sk_common.skc_dport", sk, dp, 2);
		if (r.err) {
			ko_bad(rn, ko_take(&r), "the sock", sk);
			return;
		}
		char a[20];
		ipv4(sa, a, sizeof(a));
		snprintf(src, sizeof(src), "%s-%" PRIu64, a, sport);
		ipv4(da, a, sizeof(a));
		snprintf(dst, sizeof(dst), "%s-%u", a, (unsigned)dp[0] << 8 | dp[1]);
	}
	const char *fn = family_name(fam), *tn = type_name(s, type);
	if (!fn)
		snprintf(fb, sizeof(fb), "%" PRIu64, fam);
	if (!tn)
		snprintf(tb, sizeof(tb), "%" PRIu64, type);
	if (rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_i64(s, "fd", fd);
		kd_json_hex(s, "file", file);
		kd_json_hex(s, "socket", sock);
		kd_json_hex(s, "sock", sk);
		kd_json_u64(s, "inode", ino);
		kd_json_string(s, "family", fn ? fn : fb);
		kd_json_string(s, "type", tn ? tn : tb);
		if (*src) {
			kd_json_string(s, "source", src);
			kd_json_string(s, "destination", dst);
		}
		kd_json_end_object(s);
	} else {
		char ft[40];
		snprintf(ft, sizeof(ft), "%s:%s", fn ? fn : fb, tn ? tn : tb);
		kd_printf(s, "%3d  %016" PRIx64 "  %016" PRIx64 "  %-14s  %-21s  %s\n", fd, sock, sk, ft, src, dst);
	}
}

static struct kd_error *show_sockets(struct ko_run *rn, uint64_t task)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t sfops = ko_sym(&r, "socket_file_ops");
	uint64_t files = ko_get(&r, "task_struct", "files", task);
	uint64_t fdt = files ? ko_get(&r, "files_struct", "fdt", files) : 0;
	uint64_t max = fdt ? ko_get(&r, "fdtable", "max_fds", fdt) : 0;
	uint64_t fds = fdt ? ko_get(&r, "fdtable", "fd", fdt) : 0;
	if (r.err)
		return kd_error_prefix(ko_take(&r), "the open files of the task at 0x%016" PRIx64, task);
	if (max > (1u << 20))
		return kd_error_create(KD_ERR_CORRUPT, "the fd table at 0x%016" PRIx64 " has %" PRIu64 " slots", fdt, max);
	const struct kd_task *t = kd_task_by_addr(s, task);
	char hdr[128];
	if (rn->json) {
		kd_json_begin_object(s, NULL);
		if (t)
			kd_json_i64(s, "pid", t->pid);
		kd_json_hex(s, "task", task);
		kd_json_begin_array(s, "sockets");
	} else {
		if (t)
			kd_printf(s, "%s\n", kd_task_header(t, hdr, sizeof(hdr)));
		kd_printf(s, " FD      SOCKET              SOCK         FAMILY:TYPE     SOURCE-PORT            DESTINATION-PORT\n");
	}
	struct kd_error *err = NULL;
	for (uint64_t fd = 0; fd < max; fd++) {
		if ((err = kd_check_interrupt(s)))
			break;
		uint64_t file = ko_word(&r, fds + fd * 8);
		if (!r.err && !file)
			continue;
		uint64_t fop = ko_get(&r, "file", "f_op", file);
		uint64_t priv = ko_get(&r, "file", "private_data", file);
		if (r.err) {
			ko_bad(rn, ko_take(&r), "an open file", file ? file : fds + fd * 8);
			continue;
		}
		if (fop == sfops && priv)
			one_socket(rn, (int)fd, file, priv);
	}
	if (rn->json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return err;
}

// The task an operand names (a pid or a task address), or the current context.
static struct kd_error *task_of(struct kd_session *s, const struct kd_args *a, uint64_t *task)
{
	if (a->argc < 2) {
		if (kd_context_get(s, task, NULL))
			return NULL;
		return kd_error_create(KD_ERR_USAGE, "no task given and no current context");
	}
	const char *arg = a->argv[1];
	if (strspn(arg, "0123456789") == strlen(arg)) {
		const struct kd_task *t = kd_task_by_pid(s, strtoll(arg, NULL, 10));
		if (!t)
			return kd_error_create(KD_ERR_NOTFOUND, "no task with pid %s", arg);
		*task = t->addr;
		return NULL;
	}
	struct kd_error *err = kd_parse_address(s, arg, task);
	if (err)
		return err;
	if (!kd_task_by_addr(s, *task))
		return kd_error_create(KD_ERR_NOTFOUND, "0x%016" PRIx64 " is not a task", *task);
	return NULL;
}

static struct kd_error *net_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	if (v[O_A].count + v[O_S].count + v[O_N].count > 1)
		return kd_error_create(KD_ERR_USAGE, "-a, -s and -n exclude each other");
	if (args->argc > 2 || (args->argc > 1 && !v[O_S].count && !v[O_N].count))
		return kd_error_create(KD_ERR_USAGE, "a task is taken only by -s and -n");
	struct ko_run rn = { s, kd_json_mode(s), 0, "net" };
	struct kd_error *err = NULL;
	if (v[O_A].count) {
		err = show_arp(&rn);
	} else if (v[O_S].count || v[O_N].count) {
		uint64_t task;
		if ((err = task_of(s, args, &task)))
			return err;
		if (v[O_S].count) {
			err = show_sockets(&rn, task);
		} else {
			struct ko r = { s, NULL };
			uint64_t nsp = ko_get(&r, "task_struct", "nsproxy", task);
			uint64_t net = nsp ? ko_get(&r, "nsproxy", "net_ns", nsp) : 0;
			if (!r.err && !net)
				r.err = kd_error_create(KD_ERR_NOTFOUND, "the task has no network namespace (it exited)");
			if (r.err)
				return kd_error_prefix(ko_take(&r), "the net namespace of the task at 0x%016" PRIx64, task);
			err = show_devices(&rn, net);
		}
	} else {
		struct ko r = { s, NULL };
		uint64_t net = ko_sym(&r, "init_net");
		if (r.err)
			return ko_take(&r);
		err = show_devices(&rn, net);
	}
	return ko_finish(rn.bad, err);
}

static const struct kd_command commands[] = {
	{
		.name = "net",
		.summary = "network devices, the ARP cache and a task's sockets",
		.synopsis = "[-a | -s [PID|TASK] | -n PID|TASK] [--json]",
		.help = "Without options, list the network devices of the initial network\n"
			"namespace: the struct net_device, its name and its IPv4 addresses.\n"
			"-n PID lists the devices of that task's network namespace instead.\n"
			"-a prints the ARP cache (arp_tbl): each struct neighbour, its IPv4\n"
			"address, hardware type and address, device and NUD state.\n"
			"-s prints the sockets among the open files of the task given (a pid or\n"
			"a task address; the current context without one): fd, struct socket,\n"
			"struct sock, family and type, and for INET sockets the local and\n"
			"remote address-port pairs.\n\n"
			"EXAMPLES\n"
			"  kdive> net\n"
			"  kdive> net -a\n"
			"  kdive> net -s 103 --json",
		.options = net_opts,
		.operand = KD_ARG_PID,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS,
		.run = net_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "net",
	.version = "1",
	.commands = commands,
};
