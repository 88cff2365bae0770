#!/usr/bin/env bash
# Make the hostile-input tree in DIR: one entry for each way a file can
# attack a scanner that reads code it did not write.  Made at test time, so
# nothing binary or huge is committed.  Every file that should be read
# names `struct pci_driver` or a PCI API, so that the prefilter passes it on
# and the parser and the extractor really see it.
#
#   binary.c         gzip output (NUL bytes and every byte value)
#   huge.c           50 MiB of driver code
#   braces.c         a function body of 100 000 nested braces
#   parens.c         a call argument of 100 000 nested parentheses
#   iterators.c      100 000 nested iterator macros, never closed (the masker)
#   long.c           one function of 1 000 000 lines
#   nul-utf8.c       NUL bytes and invalid UTF-8 in identifiers and strings
#                    (after the first 8 KiB, where the binary test looks)
#   crlf.c           a driver with CRLF line endings
#   loop             a symlink to its own directory
#   self.c           a symlink to itself (ELOOP)
#   secret.c         mode 000 (unreadable to all but root; see hostile.sh)
#   eio.c            a symlink to /proc/self/mem: opens, then read() fails
#   fifo.c           a FIFO
#   "sp ace\nnl/my driver.c"  spaces and a newline in the path
#   empty.c          an empty file
#   dir.c/           a directory with a source name (holding a driver)
#   ok.c             a plain driver: the scan still finds it
#
#   usage: tests/hostile/gen.sh DIR
set -eu
d=${1:?DIR}
mkdir -p "$d"
cd "$d"

driver() { # a small PCI driver named $1
	printf 'static int %s_probe(struct pci_dev *pdev, const struct pci_device_id *id)\n{\n' "$1"
	printf '\tint err = pcim_enable_device(pdev);\n\tif (err)\n\t\treturn err;\n'
	printf '\treturn pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);\n}\n'
	printf 'static struct pci_driver %s_driver = { .name = "%s", .probe = %s_probe };\n' "$1" "$1" "$1"
	printf 'module_pci_driver(%s_driver);\n' "$1"
}

driver ok >ok.c
{ printf 'struct pci_driver '; seq 1 20000 | gzip -n -c; } >binary.c

# 50 MiB: the same driver again and again, each copy with its own names.
for i in $(seq 0 999); do driver "d$i"; done >huge.unit
n=$(( 50 * 1024 * 1024 / $(stat -c %s huge.unit) + 1 ))
for i in $(seq "$n"); do cat huge.unit; done | head -c $((50 * 1024 * 1024)) >huge.c
rm huge.unit

{ printf 'static struct pci_driver b;\nvoid f(void)\n'; head -c 100000 /dev/zero | tr '\0' '{';
  head -c 100000 /dev/zero | tr '\0' '}'; printf '\n'; } >braces.c
{ printf 'static struct pci_driver p;\nint f(struct pci_dev *d)\n{\n\treturn pci_enable_device('
  head -c 100000 /dev/zero | tr '\0' '('; printf 'd'; head -c 100000 /dev/zero | tr '\0' ')'
  printf ');\n}\n'; } >parens.c
{ printf 'static struct pci_driver i;\nvoid f(void)\n{\n'
  for k in $(seq 100000); do printf 'list_for_each_entry('; done; printf '\n'; } >iterators.c

{ printf 'static struct pci_driver l;\nint f(struct pci_dev *pdev)\n{\n\tint x = 0;\n'
  yes '	x++;' | head -n 999990; printf '\tpcim_enable_device(pdev);\n\treturn x;\n}\n'; } >long.c

{ printf '/*%8200s*/\n' ''
  printf 'static int pci_\0probe(struct pci_dev *p\xff\xfe)\n{\n'
  printf '\tchar *s = "a\0b\xc3\x28\xed\xa0\x80";\n'
  printf '\treturn pcim_enable_\xc0\xafdevice(p\0);\n}\n'
  printf 'static struct pci_driver n\xe2\x82_drv = { .name = "n\0\xff", .probe = pci_\0probe };\n'; } >nul-utf8.c

driver crlf | sed 's/$/\r/' >crlf.c

ln -s . loop
ln -s self.c self.c
driver secret >secret.c
chmod 000 secret.c
ln -s /proc/self/mem eio.c
mkfifo fifo.c
mkdir "$(printf 'sp ace\nnl')"
driver spaced >"$(printf 'sp ace\nnl')/my driver.c"
: >empty.c
mkdir dir.c
driver indir >dir.c/inner.c
