// SPDX-License-Identifier: GPL-2.0
/*
 * The address space: the mm's fields, one VMA record per mapping and the
 * pages worth saving. What is saved of a mapping depends on what it is:
 *   private anonymous (heap, stack...)  populated pages only
 *   private file-backed                 the file by reference + the pages
 *                                       the process wrote (anonymous copies)
 *   shared file-backed                  by reference; the data is the file's
 *   shared anonymous                    the pages the shmem object holds
 *   [vdso], [vvar]                      their addresses: restart moves the
 *                                       restarting process's own there
 * Nothing is faulted in to find out: page tables are read (the target is
 * parked, and page-table pages are freed only after an RCU grace period),
 * so untouched memory costs neither time nor image space.
 *
 * Restart replaces the address space of the calling process in place: it
 * unmaps everything but the special mappings, moves those, maps every saved
 * VMA with vm_mmap(), fills in the saved pages, then sets the mm's fields
 * and executable link.
 */
#include <linux/bvec.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/pgtable.h>
#include <linux/pkeys.h>
#include <linux/rcupdate.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "arch_interface.h"
#include "checkpoint.h"
#include "image_reader.h"
#include "image_writer.h"
#include "restart.h"

#define MAX_VMAS 65536

/*
 * Page data goes between the process's pages and the image file directly,
 * PAGE_BATCH pages (2 MiB, a huge page's worth) per I/O: the file system's
 * copy is the only one.
 */
#define PAGE_BATCH 512

struct page_batch {
	struct page **pages;
	struct bio_vec *bv;		/* one per page */
};

static int batch_alloc(struct page_batch *b)
{
	b->pages = kvmalloc_array(PAGE_BATCH, sizeof(*b->pages), GFP_KERNEL);
	b->bv = kvmalloc_array(PAGE_BATCH, sizeof(*b->bv), GFP_KERNEL);
	return b->pages && b->bv ? 0 : -ENOMEM;
}

static void batch_free(struct page_batch *b)
{
	kvfree(b->pages);
	kvfree(b->bv);
}

/* The bio_vecs of the first @n pages, a full page each. */
static void batch_vecs(struct page_batch *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		b->bv[i].bv_page = b->pages[i];
		b->bv[i].bv_len = PAGE_SIZE;
		b->bv[i].bv_offset = 0;
	}
}

/* ---- checkpoint ---- */

struct vma_snapshot {
	unsigned long start, end, pgoff;
	unsigned long vm_flags;
	struct file *file;		/* referenced; NULL for anonymous/special */
	char special[24];		/* "[vdso]"..., or "" */
	u32 flags;			/* BLCR_VMA_* */
};

struct page_runs {
	struct blcr_rec_page_run *run;
	unsigned int nr, max;
	u64 pages;
};

static int runs_add(struct page_runs *r, unsigned long addr, unsigned long n)
{
	if (r->nr && le64_to_cpu(r->run[r->nr - 1].addr) +
		      le64_to_cpu(r->run[r->nr - 1].nr_pages) * PAGE_SIZE == addr) {
		le64_add_cpu(&r->run[r->nr - 1].nr_pages, n);
	} else {
		if (r->nr == r->max) {
			unsigned int max = r->max ? r->max * 2 : 64;
			void *p = kvmalloc_array(max, sizeof(*r->run), GFP_KERNEL);

			if (!p)
				return -ENOMEM;
			if (r->nr)
				memcpy(p, r->run, r->nr * sizeof(*r->run));
			kvfree(r->run);
			r->run = p;
			r->max = max;
		}
		r->run[r->nr].addr = cpu_to_le64(addr);
		r->run[r->nr].nr_pages = cpu_to_le64(n);
		r->nr++;
	}
	r->pages += n;
	return 0;
}

static bool is_shared_anon(struct vm_area_struct *vma)
{
	struct file *f = vma->vm_file;

	/* shmem_zero_setup()'s object: MAP_SHARED|MAP_ANONYMOUS or /dev/zero. */
	return f && (vma->vm_flags & VM_SHARED) &&
	       f->f_path.dentry->d_sb->s_magic == TMPFS_MAGIC &&
	       !strcmp(f->f_path.dentry->d_name.name, "dev/zero");
}

/* Is a page mapped by @pte worth saving for this kind of mapping? */
static bool pte_worth_saving(pte_t pte, bool anon_only)
{
	unsigned long pfn;

	if (pte_none(pte))
		return false;
	if (!pte_present(pte))
		return true;	/* swapped out or migrating: ours */
	pfn = pte_pfn(pte);
	if (is_zero_pfn(pfn))
		return false;
	if (!anon_only)
		return true;
	return pfn_valid(pfn) && PageAnon(pfn_to_page(pfn));
}

/*
 * Adds the populated pages of [start, end) to @r. @anon_only: count only
 * anonymous pages (the written copies in a private file mapping).
 */
static int walk_populated(struct mm_struct *mm, unsigned long start,
			  unsigned long end, bool anon_only, struct page_runs *r)
{
	unsigned long addr = start, next;
	int err = 0;

	rcu_read_lock();
	while (addr < end && !err) {
		pgd_t *pgd = pgd_offset(mm, addr);
		p4d_t *p4d;
		pud_t *pudp, pud;
		pmd_t *pmdp, pmd;
		pte_t *pte;

		next = pgd_addr_end(addr, end);
		if (pgd_none(*pgd) || pgd_bad(*pgd))
			goto skip;
		p4d = p4d_offset(pgd, addr);
		next = p4d_addr_end(addr, end);
		if (p4d_none(*p4d) || p4d_bad(*p4d))
			goto skip;
		pudp = pud_offset(p4d, addr);
		pud = READ_ONCE(*pudp);
		next = pud_addr_end(addr, end);
		if (pud_none(pud))
			goto skip;
		if (!pud_present(pud) || pud_bad(pud)) {
			/* A huge or changing entry: save the range, reading decides. */
			err = runs_add(r, addr, (next - addr) >> PAGE_SHIFT);
			goto skip;
		}
		pmdp = pmd_offset(pudp, addr);
		pmd = READ_ONCE(*pmdp);
		next = pmd_addr_end(addr, end);
		if (pmd_none(pmd))
			goto skip;
		if (!pmd_present(pmd) || pmd_trans_huge(pmd) || pmd_bad(pmd)) {
			if (!anon_only || !pmd_trans_huge(pmd) ||
			    PageAnon(pmd_page(pmd)))
				err = runs_add(r, addr, (next - addr) >> PAGE_SHIFT);
			goto skip;
		}
		pte = pte_offset_kernel(&pmd, addr);
		for (; addr < next && !err; addr += PAGE_SIZE, pte++)
			if (pte_worth_saving(ptep_get(pte), anon_only))
				err = runs_add(r, addr, 1);
		continue;
skip:
		addr = next;
	}
	rcu_read_unlock();
	return err;
}

/* The pages a shmem object holds for the range the mapping shows. */
static int shmem_populated(struct vma_snapshot *v, struct page_runs *r)
{
	loff_t off = (loff_t)v->pgoff << PAGE_SHIFT;
	loff_t end = off + (v->end - v->start);

	while (off < end) {
		loff_t data = vfs_llseek(v->file, off, SEEK_DATA), hole;

		if (data == -ENXIO || data >= end)
			break;
		if (data < 0)
			return data;
		hole = vfs_llseek(v->file, data, SEEK_HOLE);
		if (hole < 0)
			return hole;
		hole = min(ALIGN(hole, PAGE_SIZE), end);
		data = ALIGN_DOWN(data, PAGE_SIZE);
		if (runs_add(r, v->start + (data - ((loff_t)v->pgoff << PAGE_SHIFT)),
			     (hole - data) >> PAGE_SHIFT))
			return -ENOMEM;
		off = hole;
	}
	return 0;
}

static u32 prot_of(unsigned long vm_flags)
{
	return (vm_flags & VM_READ ? BLCR_VMA_PROT_READ : 0) |
	       (vm_flags & VM_WRITE ? BLCR_VMA_PROT_WRITE : 0) |
	       (vm_flags & VM_EXEC ? BLCR_VMA_PROT_EXEC : 0);
}

/* The madvise() state of a mapping, and the advice that recreates it. */
static const struct {
	unsigned long vm_flag;
	u32 flag;			/* BLCR_VMA_* */
	int advice;
} vma_advice[] = {
	{ VM_HUGEPAGE, BLCR_VMA_HUGEPAGE, MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE, BLCR_VMA_NOHUGEPAGE, MADV_NOHUGEPAGE },
	{ VM_DONTDUMP, BLCR_VMA_DONTDUMP, MADV_DONTDUMP },
	{ VM_DONTCOPY, BLCR_VMA_DONTFORK, MADV_DONTFORK },
	{ VM_WIPEONFORK, BLCR_VMA_WIPEONFORK, MADV_WIPEONFORK },
	{ VM_SEQ_READ, BLCR_VMA_SEQ_READ, MADV_SEQUENTIAL },
	{ VM_RAND_READ, BLCR_VMA_RAND_READ, MADV_RANDOM },
	{ VM_MERGEABLE, BLCR_VMA_MERGEABLE, MADV_MERGEABLE },
};

#define BLCR_VMA_SETUP_FLAGS (BLCR_VMA_NORESERVE | BLCR_VMA_HUGEPAGE |	\
			      BLCR_VMA_NOHUGEPAGE | BLCR_VMA_DONTDUMP |	\
			      BLCR_VMA_DONTFORK | BLCR_VMA_WIPEONFORK |	\
			      BLCR_VMA_SEQ_READ | BLCR_VMA_RAND_READ |	\
			      BLCR_VMA_LOCKED | BLCR_VMA_LOCKONFAULT |	\
			      BLCR_VMA_MERGEABLE)

/* How the process set up a (non-special) mapping: BLCR_VMA_SETUP_FLAGS. */
static u32 setup_flags_of(unsigned long vm_flags)
{
	u32 flags = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vma_advice); i++)
		if (vm_flags & vma_advice[i].vm_flag)
			flags |= vma_advice[i].flag;
	if (vm_flags & VM_NORESERVE)
		flags |= BLCR_VMA_NORESERVE;
	if (vm_flags & VM_LOCKED)
		flags |= BLCR_VMA_LOCKED;
	if (vm_flags & VM_LOCKONFAULT)
		flags |= BLCR_VMA_LOCKONFAULT;
	return flags;
}

/*
 * Writes the runs' pages into the record from where they are. The process is
 * parked, so its pages hold still while they are written: a reference is
 * enough, and unlike a pin it does not unshare copy-on-write pages.
 */
static int write_pages(struct blcr_image_writer *w, const struct page_runs *r,
		       struct page_batch *b)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < r->nr && !err; i++) {
		unsigned long addr = le64_to_cpu(r->run[i].addr);
		unsigned long left = le64_to_cpu(r->run[i].nr_pages);

		while (left && !err) {
			/* FOLL_FORCE: PROT_NONE and exec-only memory, as ptrace reads it. */
			int k, n = get_user_pages_fast(addr, min_t(unsigned long, left, PAGE_BATCH),
						       FOLL_FORCE, b->pages);

			if (n <= 0)
				return n ? n : -EFAULT;
			batch_vecs(b, n);
			err = blcr_record_append_pages(w, b->bv, n);
			for (k = 0; k < n; k++)
				put_page(b->pages[k]);
			addr += (unsigned long)n << PAGE_SHIFT;
			left -= n;
			cond_resched();
		}
	}
	return err;
}

static int dump_one_vma(struct blcr_image_writer *w, struct vma_snapshot *v,
		    char *pathbuf, struct page_batch *batch, struct blcr_reason *why)
{
	struct blcr_rec_vma rec = {};
	struct page_runs runs = {};
	const char *path = v->special;
	int err;

	rec.start = cpu_to_le64(v->start);
	rec.end = cpu_to_le64(v->end);
	rec.pgoff = cpu_to_le64(v->pgoff);
	rec.prot = cpu_to_le32(prot_of(v->vm_flags));
	rec.flags = cpu_to_le32(v->flags);
	if (v->flags & BLCR_VMA_FILE) {
		struct inode *inode = file_inode(v->file);

		path = d_path(&v->file->f_path, pathbuf, PATH_MAX);
		if (IS_ERR(path))
			return blcr_fail(why, PTR_ERR(path),
					 "mapping at %#lx: its file has no path", v->start);
		rec.ino = cpu_to_le64(inode->i_ino);
		rec.size = cpu_to_le64(i_size_read(inode));
	}
	rec.path_len = cpu_to_le32(path[0] ? strlen(path) + 1 : 0);

	err = blcr_record_begin(w, BLCR_REC_VMA);
	if (!err)
		err = blcr_record_append(w, &rec, sizeof(rec));
	if (!err && rec.path_len)
		err = blcr_record_append(w, path, le32_to_cpu(rec.path_len));
	if (!err)
		err = blcr_record_end(w);
	if (err)
		return err;

	if (v->flags & BLCR_VMA_SPECIAL || (v->flags & BLCR_VMA_FILE && v->flags & BLCR_VMA_SHARED))
		return 0;
	if (v->flags & BLCR_VMA_SHMEM) {
		err = shmem_populated(v, &runs);
	} else {
		if (mmap_read_lock_killable(current->mm))
			return -EINTR;
		err = walk_populated(current->mm, v->start, v->end,
				     v->flags & BLCR_VMA_FILE, &runs);
		mmap_read_unlock(current->mm);
	}
	if (!err && runs.nr) {
		struct blcr_rec_pages hdr = {
			.vma_start = cpu_to_le64(v->start),
			.nr_runs = cpu_to_le32(runs.nr),
		};
		size_t table = sizeof(hdr) + runs.nr * sizeof(*runs.run);
		size_t gap = blcr_record_align_gap(w, BLCR_RECORD_HEADER_SIZE + table);

		hdr.data_offset = cpu_to_le32(table + gap);
		err = blcr_record_begin(w, BLCR_REC_PAGES);
		if (!err)
			err = blcr_record_append(w, &hdr, sizeof(hdr));
		if (!err)
			err = blcr_record_append(w, runs.run, runs.nr * sizeof(*runs.run));
		/* gap < PAGE_SIZE */
		if (!err && gap)
			err = blcr_record_append(w, page_address(ZERO_PAGE(0)), gap);
		if (!err)
			err = write_pages(w, &runs, batch);
		if (!err)
			err = blcr_record_end(w);
		if (err == -EFAULT)
			blcr_fail(why, err, "cannot read the memory at %#lx-%#lx",
				  v->start, v->end);
	}
	kvfree(runs.run);
	return err;
}

/* Takes a snapshot of the VMA list; refuses what cannot be restored. */
static int snapshot_vmas(struct mm_struct *mm, struct vma_snapshot **out,
			 unsigned int *nr_out, struct blcr_reason *why)
{
	struct vma_snapshot *v;
	struct vm_area_struct *vma;
	unsigned int n = 0;
	int err = 0;
	VMA_ITERATOR(vmi, mm, 0);

	v = kvcalloc(mm->map_count + 1, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	for_each_vma(vmi, vma) {
		struct vma_snapshot *s = &v[n];

		if (n == mm->map_count + 1) {
			err = -EAGAIN;
			break;
		}
		s->start = vma->vm_start;
		s->end = vma->vm_end;
		s->pgoff = vma->vm_pgoff;
		s->vm_flags = vma->vm_flags;
		if (vma->vm_flags & VM_SHARED)
			s->flags |= BLCR_VMA_SHARED;
		if (vma->vm_flags & VM_GROWSDOWN)
			s->flags |= BLCR_VMA_GROWSDOWN;
		if (!vma->vm_file && vma->vm_ops && vma->vm_ops->name) {
			s->flags |= BLCR_VMA_SPECIAL;
			strscpy(s->special, vma->vm_ops->name(vma), sizeof(s->special));
		} else if (vma_pkey(vma)) {
			err = blcr_fail(why, -EOPNOTSUPP,
					"mapping at %#lx-%#lx has memory protection key %d, which cannot be checkpointed",
					vma->vm_start, vma->vm_end, vma_pkey(vma));
			break;
		} else if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP | VM_HUGETLB)) {
			err = blcr_fail(why, -EOPNOTSUPP,
					"mapping at %#lx-%#lx is device memory or hugetlbfs, which cannot be checkpointed",
					vma->vm_start, vma->vm_end);
			break;
		} else if (is_shared_anon(vma)) {
			s->flags |= BLCR_VMA_SHMEM;
			s->file = get_file(vma->vm_file);
		} else if (vma->vm_file) {
			s->flags |= BLCR_VMA_FILE;
			s->file = get_file(vma->vm_file);
		} else if (vma->vm_flags & VM_SHARED) {
			err = blcr_fail(why, -EOPNOTSUPP,
					"mapping at %#lx-%#lx is of an unknown shared kind",
					vma->vm_start, vma->vm_end);
			break;
		}
		if (!(s->flags & BLCR_VMA_SPECIAL))
			s->flags |= setup_flags_of(vma->vm_flags);
		n++;
	}
	*out = v;
	*nr_out = n;
	return err;
}

int blcr_dump_memory(struct blcr_image_writer *w, struct blcr_reason *why)
{
	struct mm_struct *mm = current->mm;
	struct blcr_rec_mm *rec = NULL;
	struct vma_snapshot *vmas = NULL;
	unsigned int nr = 0, i, words;
	char *pathbuf = NULL;
	struct page_batch batch = {};
	int err;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	err = -ENOMEM;
	if (!rec || !pathbuf || batch_alloc(&batch))
		goto out;

	if (mmap_read_lock_killable(mm)) {
		err = -EINTR;
		goto out;
	}
	err = snapshot_vmas(mm, &vmas, &nr, why);
	rec->start_code = cpu_to_le64(mm->start_code);
	rec->end_code = cpu_to_le64(mm->end_code);
	rec->start_data = cpu_to_le64(mm->start_data);
	rec->end_data = cpu_to_le64(mm->end_data);
	rec->start_brk = cpu_to_le64(mm->start_brk);
	rec->brk = cpu_to_le64(mm->brk);
	rec->start_stack = cpu_to_le64(mm->start_stack);
	spin_lock(&mm->arg_lock);
	rec->arg_start = cpu_to_le64(mm->arg_start);
	rec->arg_end = cpu_to_le64(mm->arg_end);
	rec->env_start = cpu_to_le64(mm->env_start);
	rec->env_end = cpu_to_le64(mm->env_end);
	spin_unlock(&mm->arg_lock);
	mmap_read_unlock(mm);
	if (err)
		goto out;

	/* auxv up to and including its AT_NULL pair */
	for (words = 0; words + 1 < ARRAY_SIZE(mm->saved_auxv) &&
			words + 1 < BLCR_MM_AUXV_WORDS; words += 2)
		if (mm->saved_auxv[words] == AT_NULL)
			break;
	words += 2;
	for (i = 0; i < words; i++)
		rec->auxv[i] = cpu_to_le64(i < ARRAY_SIZE(mm->saved_auxv) ?
					   mm->saved_auxv[i] : 0);
	rec->auxv_words = cpu_to_le32(words);
	rec->nr_vmas = cpu_to_le32(nr);
	rec->dumpable = cpu_to_le32(get_dumpable(mm));

	err = blcr_write_record(w, BLCR_REC_MM, rec, sizeof(*rec));
	for (i = 0; i < nr && !err; i++)
		err = dump_one_vma(w, &vmas[i], pathbuf, &batch, why);
	if (err && !why->text[0])
		blcr_fail(why, err, "cannot save the memory");
out:
	for (i = 0; i < nr; i++)
		if (vmas[i].file)
			fput(vmas[i].file);
	kvfree(vmas);
	batch_free(&batch);
	kfree(pathbuf);
	kfree(rec);
	return err;
}

/* ---- restart ---- */

struct vma_plan {
	struct blcr_rec_vma rec;
	char special[24];
	struct file *file;		/* referenced */
	/* Saved pages: run table and where their data starts in the image. */
	struct blcr_rec_page_run *runs;
	unsigned int nr_runs;
	loff_t data;
	/* The payload's CRC up to the data, and what the whole must come to. */
	u32 crc, payload_crc;
};

struct blcr_mm_plan {
	struct blcr_rec_mm mm;
	struct vma_plan *vma;
	unsigned int nr_vmas;
	struct file *image;
	struct file *exe;		/* referenced, write-denied */
	struct page_batch batch;	/* allocated before the point of no return */
};

void blcr_memory_plan_free(struct blcr_mm_plan *p)
{
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < p->nr_vmas; i++) {
		if (p->vma[i].file)
			fput(p->vma[i].file);
		kvfree(p->vma[i].runs);
	}
	kvfree(p->vma);
	if (p->exe) {
		exe_file_allow_write_access(p->exe);
		fput(p->exe);
	}
	batch_free(&p->batch);
	kfree(p);
}

static bool user_range_ok(u64 start, u64 end)
{
	return start <= end && end <= TASK_SIZE;
}

static int check_mm_fields(const struct blcr_rec_mm *m, struct blcr_reason *why)
{
	u32 words = le32_to_cpu(m->auxv_words);

	if (!user_range_ok(le64_to_cpu(m->start_code), le64_to_cpu(m->end_code)) ||
	    !user_range_ok(le64_to_cpu(m->start_data), le64_to_cpu(m->end_data)) ||
	    !user_range_ok(le64_to_cpu(m->start_brk), le64_to_cpu(m->brk)) ||
	    !user_range_ok(le64_to_cpu(m->arg_start), le64_to_cpu(m->arg_end)) ||
	    !user_range_ok(le64_to_cpu(m->env_start), le64_to_cpu(m->env_end)) ||
	    le64_to_cpu(m->start_stack) >= TASK_SIZE)
		return blcr_fail(why, -EINVAL, "the saved memory layout is invalid");
	if (words < 2 || words % 2 || words > BLCR_MM_AUXV_WORDS ||
	    words > ARRAY_SIZE(current->mm->saved_auxv) ||
	    le64_to_cpu(m->auxv[words - 2]) != AT_NULL)
		return blcr_fail(why, -EINVAL, "the saved auxiliary vector is invalid");
	if (le32_to_cpu(m->nr_vmas) == 0 || le32_to_cpu(m->nr_vmas) > MAX_VMAS)
		return blcr_fail(why, -EINVAL, "the saved memory map has %u mappings",
				 le32_to_cpu(m->nr_vmas));
	return 0;
}

static int check_vma(const struct blcr_rec_vma *v, u64 prev_end,
		     struct blcr_reason *why)
{
	u64 start = le64_to_cpu(v->start), end = le64_to_cpu(v->end);
	u32 flags = le32_to_cpu(v->flags);
	u32 kinds = flags & (BLCR_VMA_FILE | BLCR_VMA_SHMEM | BLCR_VMA_SPECIAL);

	if (start >= end || end > TASK_SIZE || !PAGE_ALIGNED(start) ||
	    !PAGE_ALIGNED(end) || start < prev_end)
		return blcr_fail(why, -EINVAL, "saved mapping %#llx-%#llx is invalid", start, end);
	if (le32_to_cpu(v->prot) & ~7u ||
	    flags & ~(BLCR_VMA_SHARED | BLCR_VMA_GROWSDOWN | BLCR_VMA_FILE |
		      BLCR_VMA_SHMEM | BLCR_VMA_SPECIAL | BLCR_VMA_SETUP_FLAGS) ||
	    hweight32(kinds) > 1 ||
	    (flags & BLCR_VMA_SPECIAL && flags & BLCR_VMA_SETUP_FLAGS) ||
	    (flags & BLCR_VMA_HUGEPAGE && flags & BLCR_VMA_NOHUGEPAGE) ||
	    (flags & BLCR_VMA_SEQ_READ && flags & BLCR_VMA_RAND_READ) ||
	    (flags & BLCR_VMA_LOCKONFAULT && !(flags & BLCR_VMA_LOCKED)) ||
	    (flags & BLCR_VMA_SHMEM && !(flags & BLCR_VMA_SHARED)) ||
	    (!kinds && flags & BLCR_VMA_SHARED) ||
	    le64_to_cpu(v->pgoff) > (ULONG_MAX >> PAGE_SHIFT) - ((end - start) >> PAGE_SHIFT))
		return blcr_fail(why, -EINVAL, "saved mapping %#llx-%#llx has invalid flags", start, end);
	return 0;
}

/*
 * @runs_left bounds the run tables held in memory over the whole image: every
 * run is at least one page to restore, so an image with more runs than the
 * machine has pages of RAM is not one to believe (nor to allocate for).
 */
static int plan_pages(struct blcr_image_reader *r, struct vma_plan *v,
		      unsigned long *runs_left, struct blcr_reason *why)
{
	struct blcr_rec_pages hdr;
	u64 start = le64_to_cpu(v->rec.start), end = le64_to_cpu(v->rec.end);
	u64 prev = start, pages = 0;
	size_t table, gap;
	unsigned int i;
	ssize_t n;
	loff_t pos = r->payload;
	u32 flags = le32_to_cpu(v->rec.flags);

	if ((flags & BLCR_VMA_SPECIAL) || ((flags & BLCR_VMA_FILE) && (flags & BLCR_VMA_SHARED)) ||
	    v->runs || r->length < sizeof(hdr))
		goto bad;
	n = kernel_read(r->file, &hdr, sizeof(hdr), &pos);
	if (n != sizeof(hdr))
		goto bad;
	v->nr_runs = le32_to_cpu(hdr.nr_runs);
	table = sizeof(hdr) + (size_t)v->nr_runs * sizeof(*v->runs);
	if (le64_to_cpu(hdr.vma_start) != start || v->nr_runs == 0 ||
	    v->nr_runs > (end - start) >> PAGE_SHIFT || v->nr_runs > *runs_left ||
	    le32_to_cpu(hdr.data_offset) < table || le32_to_cpu(hdr.data_offset) > r->length ||
	    le32_to_cpu(hdr.data_offset) - table >= PAGE_SIZE)
		goto bad;
	*runs_left -= v->nr_runs;
	v->runs = kvmalloc_array(v->nr_runs, sizeof(*v->runs), GFP_KERNEL);
	if (!v->runs)
		return -ENOMEM;
	n = kernel_read(r->file, v->runs, v->nr_runs * sizeof(*v->runs), &pos);
	if (n != v->nr_runs * sizeof(*v->runs))
		goto bad;
	for (i = 0; i < v->nr_runs; i++) {
		u64 addr = le64_to_cpu(v->runs[i].addr);
		u64 cnt = le64_to_cpu(v->runs[i].nr_pages);

		if (addr < prev || !PAGE_ALIGNED(addr) || cnt == 0 ||
		    cnt > (end - addr) >> PAGE_SHIFT)
			goto bad;
		prev = addr + (cnt << PAGE_SHIFT);
		pages += cnt;
	}
	if (le32_to_cpu(hdr.data_offset) + (pages << PAGE_SHIFT) != r->length)
		goto bad;
	v->data = r->payload + le32_to_cpu(hdr.data_offset);

	/* The pages' CRC is checked as they are read into place (fill_vma). */
	v->payload_crc = r->payload_crc;
	v->crc = blcr_crc32c(0, &hdr, sizeof(hdr));
	v->crc = blcr_crc32c(v->crc, v->runs, v->nr_runs * sizeof(*v->runs));
	gap = le32_to_cpu(hdr.data_offset) - table;
	if (gap) {
		u8 *pad = kmalloc(gap, GFP_KERNEL);

		if (!pad)
			return -ENOMEM;
		n = kernel_read(r->file, pad, gap, &pos);
		if (n == gap)
			v->crc = blcr_crc32c(v->crc, pad, gap);
		kfree(pad);
		if (n != gap)
			goto bad;
	}
	return 0;
bad:
	return blcr_fail(why, -EINVAL, "saved pages of mapping %#llx-%#llx are invalid",
			 start, end);
}

static int check_exe(struct file *exe, struct blcr_reason *why)
{
	struct inode *inode = file_inode(exe);
	int err;

	/* Nothing exec() of it would refuse or do differently: no setuid. */
	if (!S_ISREG(inode->i_mode) || exe->f_path.mnt->mnt_flags & MNT_NOEXEC ||
	    exe->f_path.mnt->mnt_sb->s_iflags & SB_I_NOEXEC)
		return blcr_fail(why, -EACCES,
				 "the executable is not a plain executable file");
	if (inode->i_mode & S_ISUID ||
	    (inode->i_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		return blcr_fail(why, -EACCES,
				 "the executable is set-user-ID or set-group-ID, and a restart never grants privileges");
	err = file_permission(exe, MAY_EXEC);
	if (err)
		return blcr_fail(why, err, "the executable may not be executed by you");
	err = exe_file_deny_write_access(exe);
	if (err)
		return blcr_fail(why, err, "the executable is open for writing");
	return 0;
}

int blcr_memory_plan(struct blcr_image_reader *r, struct file **map_files,
		     unsigned int nr_map_files, struct file *exe,
		     struct blcr_mm_plan **out, struct blcr_reason *why)
{
	struct blcr_mm_plan *p;
	unsigned int i, file_index = 0;
	const char *rwhy = "";
	u64 prev_end = 0;
	unsigned long runs_left = totalram_pages();
	int err;

	*out = NULL;
	if (r->tag != BLCR_REC_MM)
		return blcr_fail(why, -EINVAL, "memory record missing");
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->image = r->file;
	err = blcr_reader_payload_fixed(r, &p->mm, sizeof(p->mm), &rwhy);
	if (err) {
		blcr_fail(why, err, "memory record: %s", rwhy);
		goto fail;
	}
	err = check_mm_fields(&p->mm, why);
	if (err)
		goto fail;
	p->nr_vmas = le32_to_cpu(p->mm.nr_vmas);
	p->vma = kvcalloc(p->nr_vmas, sizeof(*p->vma), GFP_KERNEL);
	err = -ENOMEM;
	if (!p->vma || batch_alloc(&p->batch))
		goto fail;

	for (i = 0; i < p->nr_vmas; i++) {
		struct vma_plan *v = &p->vma[i];
		struct blcr_image_reader peek;
		void *payload;
		u32 path_len;

		err = blcr_reader_next(r, &rwhy);
		if (!err && r->tag != BLCR_REC_VMA)
			err = -EINVAL, rwhy = "mapping record missing";
		if (!err)
			err = blcr_reader_payload(r, sizeof(v->rec) + PATH_MAX, &payload, &rwhy);
		if (err) {
			blcr_fail(why, err, "%s", rwhy);
			goto fail;
		}
		err = -EINVAL;
		if (r->length >= sizeof(v->rec)) {
			memcpy(&v->rec, payload, sizeof(v->rec));
			path_len = le32_to_cpu(v->rec.path_len);
			if (r->length == sizeof(v->rec) + path_len &&
			    (!path_len || ((char *)payload)[r->length - 1] == '\0')) {
				err = 0;
				if (le32_to_cpu(v->rec.flags) & BLCR_VMA_SPECIAL && path_len)
					strscpy(v->special, payload + sizeof(v->rec),
						sizeof(v->special));
			}
		}
		kvfree(payload);
		if (err) {
			blcr_fail(why, err, "mapping record %u is malformed", i);
			goto fail;
		}
		err = check_vma(&v->rec, prev_end, why);
		if (err)
			goto fail;
		prev_end = le64_to_cpu(v->rec.end);
		if (le32_to_cpu(v->rec.flags) & BLCR_VMA_FILE) {
			if (file_index >= nr_map_files || !map_files[file_index]) {
				err = blcr_fail(why, -EBADF,
						"no file given for the mapping at %#llx",
						le64_to_cpu(v->rec.start));
				goto fail;
			}
			v->file = get_file(map_files[file_index]);
		}
		file_index++;

		/*
		 * Its pages, if any, come next. Some record always follows (END
		 * at least): one that cannot be read is damage, not "no pages".
		 */
		peek = *r;
		err = blcr_reader_next(&peek, &rwhy);
		if (err) {
			blcr_fail(why, err, "%s", rwhy);
			goto fail;
		}
		if (peek.tag == BLCR_REC_PAGES) {
			*r = peek;
			err = plan_pages(r, v, &runs_left, why);
			if (err)
				goto fail;
		}
	}
	if (exe) {
		err = check_exe(exe, why);
		if (err)
			goto fail;
		p->exe = get_file(exe);
	}
	*out = p;
	return 0;
fail:
	blcr_memory_plan_free(p);
	return err;
}

/* A special mapping of the restarting process, before it moves. */
struct special_now {
	char name[24];
	unsigned long start, end;
};

static int unmap_all_but_special(struct special_now *sp, unsigned int *nr_sp)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long *ranges;
	unsigned int n = 0, i, max;
	int err = 0;
	VMA_ITERATOR(vmi, mm, 0);

	*nr_sp = 0;
	mmap_read_lock(mm);
	max = mm->map_count;
	ranges = kvmalloc_array(max * 2 + 2, sizeof(*ranges), GFP_KERNEL);
	if (!ranges) {
		mmap_read_unlock(mm);
		return -ENOMEM;
	}
	for_each_vma(vmi, vma) {
		if (!vma->vm_file && vma->vm_ops && vma->vm_ops->name &&
		    *nr_sp < 4 && strcmp(vma->vm_ops->name(vma), "[uprobes]")) {
			strscpy(sp[*nr_sp].name, vma->vm_ops->name(vma), sizeof(sp->name));
			sp[*nr_sp].start = vma->vm_start;
			sp[*nr_sp].end = vma->vm_end;
			(*nr_sp)++;
			continue;
		}
		if (n / 2 >= max)
			break;
		ranges[n++] = vma->vm_start;
		ranges[n++] = vma->vm_end;
	}
	mmap_read_unlock(mm);
	for (i = 0; i < n && !err; i += 2)
		err = vm_munmap(ranges[i], ranges[i + 1] - ranges[i]);
	kvfree(ranges);
	return err;
}

static bool overlaps(unsigned long a, unsigned long alen, unsigned long b,
		     unsigned long blen)
{
	return a < b + blen && b < a + alen;
}

/* Moves the restarting process's [vdso]/[vvar] to where the saved ones were. */
static int move_specials(struct blcr_mm_plan *p, struct special_now *sp,
			 unsigned int nr_sp, struct blcr_reason *why)
{
	unsigned long park = ALIGN_DOWN(TASK_SIZE / 2, SZ_1G), total = 0;
	unsigned int i, j, matched = 0;
	long ret;

	for (i = 0; i < nr_sp; i++)
		total += sp[i].end - sp[i].start;
	/* A parking range that overlaps no saved mapping and no current one. */
	for (;; park -= SZ_1G) {
		bool clash = false;

		if (park < SZ_1G)
			return blcr_fail(why, -ENOMEM, "no room to move the vDSO");
		for (i = 0; i < p->nr_vmas && !clash; i++)
			clash = overlaps(park, total, le64_to_cpu(p->vma[i].rec.start),
					 le64_to_cpu(p->vma[i].rec.end) - le64_to_cpu(p->vma[i].rec.start));
		for (i = 0; i < nr_sp && !clash; i++)
			clash = overlaps(park, total, sp[i].start, sp[i].end - sp[i].start);
		if (!clash)
			break;
	}
	for (i = 0; i < nr_sp; i++) {
		unsigned long len = sp[i].end - sp[i].start;

		ret = blcr_arch_mremap(sp[i].start, len, park);
		if (IS_ERR_VALUE(ret))
			return blcr_fail(why, ret, "cannot move %s (error %ld)", sp[i].name, ret);
		sp[i].start = park;
		sp[i].end = park + len;
		park += len;
	}
	for (i = 0; i < p->nr_vmas; i++) {
		struct vma_plan *v = &p->vma[i];

		if (!(le32_to_cpu(v->rec.flags) & BLCR_VMA_SPECIAL))
			continue;
		for (j = 0; j < nr_sp; j++)
			if (!strcmp(sp[j].name, v->special))
				break;
		if (j == nr_sp)
			continue;	/* e.g. [uprobes]: the kernel recreates it */
		ret = blcr_arch_mremap(sp[j].start, sp[j].end - sp[j].start,
				       le64_to_cpu(v->rec.start));
		if (IS_ERR_VALUE(ret))
			return blcr_fail(why, ret, "cannot move %s to %#llx (error %ld)", sp[j].name, le64_to_cpu(v->rec.start), ret);
		matched++;
	}
	if (matched != nr_sp)
		return blcr_fail(why, -EINVAL, "the image's kernel mappings differ from this kernel's");
	return 0;
}

static unsigned long mmap_prot(u32 prot)
{
	return (prot & BLCR_VMA_PROT_READ ? PROT_READ : 0) |
	       (prot & BLCR_VMA_PROT_WRITE ? PROT_WRITE : 0) |
	       (prot & BLCR_VMA_PROT_EXEC ? PROT_EXEC : 0);
}

static int map_vma(struct vma_plan *v, struct blcr_reason *why)
{
	unsigned long start = le64_to_cpu(v->rec.start);
	unsigned long len = le64_to_cpu(v->rec.end) - start;
	u32 flags = le32_to_cpu(v->rec.flags);
	unsigned long prot = mmap_prot(le32_to_cpu(v->rec.prot));
	unsigned long mflags = MAP_FIXED;
	unsigned long addr;

	/* Writable while its pages go in; the final protection comes after. */
	if (v->runs)
		prot |= PROT_WRITE;
	mflags |= flags & BLCR_VMA_SHARED ? MAP_SHARED : MAP_PRIVATE;
	if (flags & BLCR_VMA_GROWSDOWN)
		mflags |= MAP_GROWSDOWN;
	if (flags & BLCR_VMA_NORESERVE)
		mflags |= MAP_NORESERVE;
	if (!(flags & BLCR_VMA_FILE))
		mflags |= MAP_ANONYMOUS;
	addr = vm_mmap(flags & BLCR_VMA_FILE ? v->file : NULL, start, len, prot,
		       mflags, flags & BLCR_VMA_FILE ?
				le64_to_cpu(v->rec.pgoff) << PAGE_SHIFT : 0);
	if (addr != start)
		return blcr_fail(why, IS_ERR_VALUE(addr) ? (long)addr : -ENOMEM,
				 "cannot map %#lx-%#lx (error %ld)", start, start + len,
				 IS_ERR_VALUE(addr) ? (long)addr : 0L);
	return 0;
}

/* Before the pages go in, so that they land as the advice says. */
static int advise_vma(struct vma_plan *v, struct blcr_reason *why)
{
	unsigned long start = le64_to_cpu(v->rec.start);
	unsigned long len = le64_to_cpu(v->rec.end) - start;
	u32 flags = le32_to_cpu(v->rec.flags);
	unsigned int i;
	long ret;

	for (i = 0; i < ARRAY_SIZE(vma_advice); i++) {
		if (!(flags & vma_advice[i].flag))
			continue;
		ret = blcr_arch_madvise(start, len, vma_advice[i].advice);
		if (ret)
			return blcr_fail(why, ret, "cannot madvise(%d) %#lx-%#lx (error %ld)",
					 vma_advice[i].advice, start, start + len, ret);
	}
	return 0;
}

/* mlock() counts against the restarting user's RLIMIT_MEMLOCK. */
static int lock_vma(struct vma_plan *v, struct blcr_reason *why)
{
	unsigned long start = le64_to_cpu(v->rec.start);
	unsigned long len = le64_to_cpu(v->rec.end) - start;
	u32 flags = le32_to_cpu(v->rec.flags);
	long ret;

	if (!(flags & BLCR_VMA_LOCKED))
		return 0;
	ret = blcr_arch_mlock2(start, len, flags & BLCR_VMA_LOCKONFAULT ? MLOCK_ONFAULT : 0);
	return ret ? blcr_fail(why, ret, "cannot mlock %#lx-%#lx (error %ld)",
			       start, start + len, ret) : 0;
}

/*
 * Whether the saved pages of @v match their CRC, read into a scratch page.
 * Only for when filling failed before the CRC could be checked: a damaged
 * run table can point at memory that cannot take pages (past the end of a
 * mapped file), and damage must be called damage.
 */
static bool pages_intact(struct blcr_mm_plan *p, struct vma_plan *v)
{
	void *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	loff_t pos = v->data;
	u64 pages = 0;
	u32 crc = v->crc;
	unsigned int i;
	bool ok = buf;

	for (i = 0; i < v->nr_runs; i++)
		pages += le64_to_cpu(v->runs[i].nr_pages);
	while (ok && pages--) {
		ok = kernel_read(p->image, buf, PAGE_SIZE, &pos) == PAGE_SIZE &&
		     !fatal_signal_pending(current);
		if (ok)
			crc = blcr_crc32c(crc, buf, PAGE_SIZE);
		cond_resched();
	}
	kfree(buf);
	return ok && crc == v->payload_crc;
}

static int pages_damaged(struct vma_plan *v, struct blcr_reason *why)
{
	return blcr_fail(why, -EINVAL,
			 "saved pages of mapping %#llx-%#llx are damaged (CRC mismatch)",
			 le64_to_cpu(v->rec.start), le64_to_cpu(v->rec.end));
}

/* Reads the saved pages straight into the new mapping's, checking their CRC. */
static int fill_vma(struct blcr_mm_plan *p, struct vma_plan *v,
		    struct blcr_reason *why)
{
	struct page_batch *b = &p->batch;
	loff_t pos = v->data;
	u32 crc = v->crc;
	unsigned int i;
	long ret;

	for (i = 0; i < v->nr_runs; i++) {
		unsigned long addr = le64_to_cpu(v->runs[i].addr);
		unsigned long left = le64_to_cpu(v->runs[i].nr_pages);

		while (left) {
			int err, n = pin_user_pages_fast(addr, min_t(unsigned long, left, PAGE_BATCH),
							 FOLL_WRITE, b->pages);

			if (n <= 0)
				return pages_intact(p, v) ?
				       blcr_fail(why, n ? n : -EFAULT,
						 "cannot write the pages at %#lx", addr) :
				       pages_damaged(v, why);
			batch_vecs(b, n);
			err = blcr_reader_pages(p->image, &pos, b->bv, n, &crc);
			unpin_user_pages_dirty_lock(b->pages, n, true);
			if (err)
				return blcr_fail(why, err, "cannot read the saved pages");
			addr += (unsigned long)n << PAGE_SHIFT;
			left -= n;
			if (fatal_signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	if (crc != v->payload_crc)
		return pages_damaged(v, why);
	if (le32_to_cpu(v->rec.prot) & BLCR_VMA_PROT_WRITE)
		return 0;
	ret = blcr_arch_mprotect(le64_to_cpu(v->rec.start),
				 le64_to_cpu(v->rec.end) - le64_to_cpu(v->rec.start),
				 mmap_prot(le32_to_cpu(v->rec.prot)));
	return ret ? blcr_fail(why, ret, "cannot protect %#llx", le64_to_cpu(v->rec.start)) : 0;
}

static void set_mm_fields(struct blcr_mm_plan *p)
{
	struct mm_struct *mm = current->mm;
	const struct blcr_rec_mm *m = &p->mm;
	struct file *old_exe = NULL;
	unsigned int i;

	mmap_write_lock(mm);
	mm->start_code = le64_to_cpu(m->start_code);
	mm->end_code = le64_to_cpu(m->end_code);
	mm->start_data = le64_to_cpu(m->start_data);
	mm->end_data = le64_to_cpu(m->end_data);
	mm->start_brk = le64_to_cpu(m->start_brk);
	mm->brk = le64_to_cpu(m->brk);
	mm->start_stack = le64_to_cpu(m->start_stack);
	spin_lock(&mm->arg_lock);
	mm->arg_start = le64_to_cpu(m->arg_start);
	mm->arg_end = le64_to_cpu(m->arg_end);
	mm->env_start = le64_to_cpu(m->env_start);
	mm->env_end = le64_to_cpu(m->env_end);
	spin_unlock(&mm->arg_lock);
	memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	for (i = 0; i < le32_to_cpu(m->auxv_words); i++)
		mm->saved_auxv[i] = le64_to_cpu(m->auxv[i]);
	if (p->exe) {
		/* As set_mm_exe_file(): the write denial moves with the link. */
		old_exe = rcu_dereference_protected(mm->exe_file, true);
		rcu_assign_pointer(mm->exe_file, p->exe);
		p->exe = NULL;
	}
	mmap_write_unlock(mm);
	if (old_exe) {
		exe_file_allow_write_access(old_exe);
		fput(old_exe);
	}
}

int blcr_memory_restore(struct blcr_mm_plan *p, struct blcr_reason *why)
{
	struct special_now sp[4];
	unsigned int nr_sp, i;
	int err;

	err = unmap_all_but_special(sp, &nr_sp);
	if (err)
		blcr_fail(why, err, "cannot unmap the restarting process");
	if (!err)
		err = move_specials(p, sp, nr_sp, why);
	for (i = 0; i < p->nr_vmas && !err; i++) {
		struct vma_plan *v = &p->vma[i];

		if (le32_to_cpu(v->rec.flags) & BLCR_VMA_SPECIAL)
			continue;
		err = map_vma(v, why);
		if (!err)
			err = advise_vma(v, why);
		if (!err && v->runs)
			err = fill_vma(p, v, why);
		if (!err)
			err = lock_vma(v, why);
	}
	if (!err)
		set_mm_fields(p);
	return err;
}
