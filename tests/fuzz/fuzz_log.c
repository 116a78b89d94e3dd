// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the `log` command's walk of the printk ring buffer over
// arbitrary memory.  The input becomes the kernel memory at LOG_FUZZ_BASE of
// a synthetic ELF vmcore (written to a memfd, so the real open path runs)
// whose VMCOREINFO has SYMBOL(prb) there and the ring buffer offsets of a
// 6.1 x86_64 kernel; the log module's code is compiled into the target and
// run as the dispatcher would, plain, with -m -c -d, and with --json.
// Seed: ring.mem from mkseeds.
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_log.h"

#include "../../commands/log.c"

static const char vmcoreinfo[] =
	"OSRELEASE=6.1.0-fuzz\nPAGESIZE=4096\n"
	"SYMBOL(prb)=ffffffff82000000\nNUMBER(phys_base)=0\nKERNELOFFSET=0\n"
	"SIZE(printk_ringbuffer)=88\nOFFSET(printk_ringbuffer.desc_ring)=0\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=48\nOFFSET(printk_ringbuffer.fail)=80\n"
	"SIZE(prb_desc_ring)=48\nOFFSET(prb_desc_ring.count_bits)=0\n"
	"OFFSET(prb_desc_ring.descs)=8\nOFFSET(prb_desc_ring.infos)=16\n"
	"OFFSET(prb_desc_ring.head_id)=24\nOFFSET(prb_desc_ring.tail_id)=32\n"
	"SIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
	"SIZE(prb_data_blk_lpos)=16\nOFFSET(prb_data_blk_lpos.begin)=0\n"
	"OFFSET(prb_data_blk_lpos.next)=8\nSIZE(printk_info)=88\nOFFSET(printk_info.seq)=0\n"
	"OFFSET(printk_info.ts_nsec)=8\nOFFSET(printk_info.text_len)=16\n"
	"OFFSET(printk_info.caller_id)=20\nOFFSET(printk_info.dev_info)=24\n"
	"SIZE(dev_printk_info)=64\nOFFSET(dev_printk_info.subsystem)=0\n"
	"LENGTH(printk_info_subsystem)=16\nOFFSET(dev_printk_info.device)=16\n"
	"LENGTH(printk_info_device)=48\nSIZE(prb_data_ring)=32\n"
	"OFFSET(prb_data_ring.size_bits)=0\nOFFSET(prb_data_ring.data)=8\n"
	"OFFSET(prb_data_ring.head_lpos)=16\nOFFSET(prb_data_ring.tail_lpos)=24\n"
	"SIZE(atomic_long_t)=8\nOFFSET(atomic_long_t.counter)=0\n";

static unsigned char image[4096 + LOG_FUZZ_WINDOW];

// The ELF vmcore: header, PT_NOTE (VMCOREINFO), PT_LOAD of the input.
static size_t build(const uint8_t *data, size_t size)
{
	if (size > LOG_FUZZ_WINDOW)
		size = LOG_FUZZ_WINDOW;
	memset(image, 0, 4096);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)image;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	Elf64_Phdr *ph = (Elf64_Phdr *)(image + sizeof(*eh));
	size_t noff = sizeof(*eh) + 2 * sizeof(Elf64_Phdr);
	Elf64_Nhdr nh = { .n_namesz = 11, .n_descsz = sizeof(vmcoreinfo) - 1, .n_type = 0 };
	memcpy(image + noff, &nh, sizeof(nh));
	memcpy(image + noff + sizeof(nh), "VMCOREINFO", 11);
	memcpy(image + noff + sizeof(nh) + 12, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	size_t nlen = sizeof(nh) + 12 + ((sizeof(vmcoreinfo) - 1 + 3) & ~3u);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = noff, .p_filesz = nlen };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 4096, .p_paddr = LOG_FUZZ_PHYS,
			      .p_vaddr = LOG_FUZZ_BASE, .p_filesz = size, .p_memsz = LOG_FUZZ_WINDOW };
	memcpy(image + 4096, data, size);
	return 4096 + size;
}

static void run(struct kd_session *s, bool json, int argc, char **argv)
{
	s->json = json;
	s->json_depth = 0;
	kd_error_destroy(log_run(s, argc, argv));
	s->json = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	int fd = memfd_create("kdive-fuzz-log", 0);
	if (fd < 0)
		return 0;
	size_t len = build(data, size);
	if (write(fd, image, len) != (ssize_t)len) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, NULL, &s);
	if (!err) {
		// KDIVE_FUZZ_LOG_SHOW=1 prints the log (to check a seed by eye)
		s->out = getenv("KDIVE_FUZZ_LOG_SHOW") ? stdout : devnull;
		char a0[] = "log", a1[] = "-m", a2[] = "-c", a3[] = "-d", a4[] = "-t";
		char *plain[] = { a0, NULL }, *all[] = { a0, a1, a2, a3, NULL }, *notime[] = { a0, a4, NULL };
		run(s, false, 1, plain);
		run(s, false, 4, all);
		run(s, true, 2, notime);
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
