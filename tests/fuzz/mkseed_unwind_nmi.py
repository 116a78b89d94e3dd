#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes tests/fuzz/seeds/unwind/nmi.in (the input format is described at
# the top of tests/fuzz/fuzz_unwind.c): a CPU stopped by NMI as a kdump
# records it.  Its registers (flags bit 0) are those the NMI interrupted, in
# function I on the process stack; the NMI stack (bit 4) holds the NMI's
# pt_regs with them at its top, below that the return address into the
# entry code E (ORC type REGS at E) and the handler H's live return address
# (H+0x10), and deeper a stale return address into S, which returned before
# H's last call: that call (e8 at H+0x0b) goes to 0x480, above S, so S is
# not the handler's callee.  The walk must start at H+0x10, cross into the
# process stack at the pt_regs and end at T (ORC END).  Run from the top of
# the source tree.
import struct
B=0xffffffff81000000
mem=bytearray(0x6000)
S,H,E,I,T=0x080,0x100,0x200,0x300,0x400
ip_off,orc_off=0x1000,0x1100
ents=[(0x000,0,0,0,0),(S,8,5,0,0),(H,8,5,0,0),(E,0,5,1,0),(I,8,5,0,0),(T,0,0,0,1),(0x500,0,0,0,0)]
for i,(ip,spo,spr,typ,end) in enumerate(ents):
    struct.pack_into('<i',mem,ip_off+4*i,ip-(ip_off+4*i))
    struct.pack_into('<hhBB',mem,orc_off+6*i,spo,0,spr|0<<4,typ|end<<2)
# H's last call (before H+0x10) is a direct call to 0x480: S, below it, is stale.
mem[H+0x0b]=0xe8
struct.pack_into('<i',mem,H+0x0c,0x480-(H+0x10))
task=0x2000
struct.pack_into('<QQ',mem,task,B+0x3000,0)
rip,rsp=B+I+0x10,B+0x3f00
struct.pack_into('<Q',mem,0x3f00,B+T+0x10)
nmi=0x1800
struct.pack_into('<Q',mem,nmi,B+0x5000)
R=0x6000-168
struct.pack_into('<Q',mem,R+0x80,rip); struct.pack_into('<Q',mem,R+0x98,rsp)
struct.pack_into('<Q',mem,R-8,B+E+0x10)
struct.pack_into('<Q',mem,R-16,B+H+0x10)
struct.pack_into('<Q',mem,R-24,B+S+0x10)      # stale: S returned before H's last call
struct.pack_into('<Q',mem,0x5f00,B+I+0x20)   # a stale word that leads nowhere
hdr=struct.pack('<IIIIIIIIQQQI',0x11,len(ents),ip_off,orc_off,0x1000,task,0,0,rip,rsp,0,nmi)
hdr+=b'\0'*(64-len(hdr))
open('tests/fuzz/seeds/unwind/nmi.in','wb').write(hdr+mem)
