# Loa — build, test, install.  See README.md.
#
# Sources are discovered, not listed: every .c under the floors (base/ db/
# modem/ sim/ tts/ domain/ gateway/ web/ app/, docs/DESIGN.md) except
# app/main.c goes into build/libloa.a; `loa` is main.o + that archive.
# Every tests/unit/test_*.c becomes its own cmocka binary linked against the
# same archive, so a module and its test are added by creating files,
# without touching this Makefile.

PREFIX    ?= /usr/local
DESTDIR   ?=
SANITIZE  ?= 0
PKGS      := sqlite3 libpq gammu sndfile espeak-ng spandsp soxr libmicrohttpd libutf8proc libsodium libzip expat xlsxwriter

CC        ?= cc
CSTD      := -std=c11 -D_GNU_SOURCE -DLOA_VERSION=\"0.1.0\" -DLOA_DATADIR=\"$(PREFIX)/share/loa\" \
             -DLOA_LOCALEDIR=\"$(PREFIX)/share/locale\"
# -Werror where warnings must stop the build (make test, CI: WERROR=1),
# not for someone building with a newer compiler.
WERROR    ?= 0
WARN      := -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral $(if $(filter 1,$(WERROR)),-Werror)
OPT       ?= -O2 -g
# pkg-config runs the first time a compile or link needs it, never while the
# Makefile is read: on a fresh machine `make demo` installs the packages
# (deps) before anything asks for their flags.
INCLUDES  = $(eval INCLUDES := -I. $$(shell pkg-config --cflags $(PKGS)))$(INCLUDES)
LIBS      = $(eval LIBS := $$(shell pkg-config --libs $(PKGS)) -lcsv -lpthread -lm)$(LIBS)
TEST_LIBS = $(eval TEST_LIBS := $$(shell pkg-config --libs cmocka))$(TEST_LIBS)

ifeq ($(SANITIZE),1)
BUILD     := build-san
OPT       := -O1 -g -fno-omit-frame-pointer
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
BUILD     ?= build
SANFLAGS  :=
endif

CFLAGS_ALL  = $(CSTD) $(WARN) $(OPT) $(SANFLAGS) $(INCLUDES) $(CFLAGS) -MMD -MP
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

LIB_SRC   := $(filter-out app/main.c,$(wildcard base/*.c db/*.c modem/*.c sim/*.c tts/*.c domain/*.c gateway/*.c web/*.c app/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(wildcard tests/unit/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECS ?= 30

# Keep intermediate objects (tests, fuzz) so reruns do not rebuild them.
.SECONDARY:

.PHONY: all check tests bench fuzz deps install uninstall clean cppcheck demo test pot FORCE
all: $(BUILD)/loa $(BUILD)/locale/vi/LC_MESSAGES/loa.mo

Q := $(if $(V),,@)

# Objects rebuild when the flags change (WERROR, SANITIZE, OPT...).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CFLAGS_ALL)' | cmp -s - $@ || echo '$(CFLAGS_ALL)' >$@
FORCE:

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC $<")
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libloa.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/loa: $(BUILD)/app/main.o $(BUILD)/libloa.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libloa.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(BUILD)/libloa.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

tests: $(BUILD)/loa $(BUILD)/locale/vi/LC_MESSAGES/loa.mo $(TEST_BIN)

# Messages (README, Language): `make pot` extracts the marked strings of the
# sources into po/loa.pot; po/vi.po is merged from it (msgmerge -U) and
# translated; the catalog is compiled beside the binary, where an
# uninstalled loa finds it (config_localedir), and installed under
# PREFIX/share/locale.  tests/integration/i18n.sh checks nothing is left
# untranslated or stale.
POT     ?= po/loa.pot
POT_SRC = $(sort $(wildcard base/*.c domain/*.c app/*.c))
pot:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --add-comments=TRANSLATORS: \
	  --package-name=loa --msgid-bugs-address= --sort-by-file -o $(POT) $(POT_SRC)

$(BUILD)/locale/vi/LC_MESSAGES/loa.mo: po/vi.po
	@mkdir -p $(dir $@)
	msgfmt --check-format --check -o $@ $<

# The test command: every unit binary, then every integration script
# against the real binary; one closing "N passed, N failed" line.
check: tests
	scripts/floors.sh
	LOA=$(abspath $(BUILD)/loa) BUILD=$(abspath $(BUILD)) tests/run.sh

bench: $(BUILD)/loa $(BENCH_BIN)
	LOA=$(abspath $(BUILD)/loa) BUILD=$(abspath $(BUILD)) tests/bench/run.sh

# libFuzzer targets: clang, the library sources rebuilt with coverage.
FUZZ_CFLAGS = $(CSTD) -O1 -g -fsanitize=fuzzer-no-link,address,undefined $(INCLUDES) -DLOA_FUZZ
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c $< -o $@
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC:%.c=build-fuzz/obj/%.o)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)
fuzz: $(FUZZ_BIN)
	FUZZ_SECS=$(FUZZ_SECS) FUZZ_JOBS=$(or $(FUZZ_JOBS),1) tests/fuzz/run.sh $(FUZZ_BIN)

deps:
	scripts/deps.sh

# The README's two commands.  Each installs what it needs first.
#   make demo   the demo village on simulated modems (the main job)
#   make test   cppcheck, every fuzz target briefly, the whole suite under
#               ASan+UBSan, then the whole suite again in the normal build
#               (its last line is the summary "tests: N passed, N failed")
demo: deps
	$(MAKE) all
	LOA_DATADIR=$(abspath configs) $(BUILD)/loa demo

# Builds use every core (-j$(NPROC)); the checks then run as their own make
# so the scripts' own `make` calls do not inherit a job server.
NPROC := $(shell nproc 2>/dev/null || echo 2)
test: deps
	$(MAKE) cppcheck CPPCHECK_JOBS=$(NPROC)
	$(MAKE) -j$(NPROC) $(FUZZ_BIN)
	$(MAKE) fuzz FUZZ_SECS=$(or $(TEST_FUZZ_SECS),10) FUZZ_JOBS=$(NPROC)
	$(MAKE) -j$(NPROC) tests SANITIZE=1 WERROR=1
	$(MAKE) check SANITIZE=1 WERROR=1
	$(MAKE) -j$(NPROC) all tests WERROR=1
	$(MAKE) check WERROR=1

cppcheck:
	cppcheck --quiet -j $(or $(CPPCHECK_JOBS),1) --error-exitcode=1 --enable=warning,style,performance,portability \
	  --std=c11 --inline-suppr -I. -D_GNU_SOURCE --suppress=missingIncludeSystem \
	  base db modem sim tts domain gateway web app tests/unit

# INSTALL_BIN: install this binary instead of building one (the install
# test passes the binary under test, whatever flags built it).
# UDEVDIR: where udev reads the modem rule; it is a file people edit (USB
# paths), so /etc, and an edited copy is kept on reinstall and uninstall.
INSTALL_BIN ?=
UDEVDIR     ?= /etc/udev/rules.d
UDEV_RULE   := $(DESTDIR)$(UDEVDIR)/99-loa-modems.rules
install: $(if $(INSTALL_BIN),,$(BUILD)/loa) $(BUILD)/locale/vi/LC_MESSAGES/loa.mo
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)/etc/loa $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/loa \
	  $(DESTDIR)$(UDEVDIR)
	install -m 0755 $(or $(INSTALL_BIN),$(BUILD)/loa) $(DESTDIR)$(PREFIX)/bin/loa
	install -m 0644 man/loa.1 $(DESTDIR)$(PREFIX)/share/man/man1/loa.1
	install -d $(DESTDIR)$(PREFIX)/share/locale/vi/LC_MESSAGES
	install -m 0644 $(BUILD)/locale/vi/LC_MESSAGES/loa.mo $(DESTDIR)$(PREFIX)/share/locale/vi/LC_MESSAGES/loa.mo
	(umask 027 && sed 's|/usr/local/share/loa|$(PREFIX)/share/loa|g' configs/loa.conf \
	  > $(DESTDIR)/etc/loa/loa.conf.example) && chmod 0640 $(DESTDIR)/etc/loa/loa.conf.example
	install -d $(DESTDIR)$(PREFIX)/share/loa/prompts
	install -m 0644 configs/abbreviations.tsv configs/loanwords.tsv configs/99-loa-modems.rules $(DESTDIR)$(PREFIX)/share/loa/
	install -m 0644 configs/prompts/* $(DESTDIR)$(PREFIX)/share/loa/prompts/
	@if [ -e $(UDEV_RULE) ] && ! cmp -s configs/99-loa-modems.rules $(UDEV_RULE); then \
	  echo "kept: $(UDEVDIR)/99-loa-modems.rules (edited; the new one is $(PREFIX)/share/loa/99-loa-modems.rules)"; \
	else install -m 0644 configs/99-loa-modems.rules $(UDEV_RULE); fi
	for u in loa loa-web; do \
	  sed 's|@BINDIR@|$(PREFIX)/bin|g' configs/$$u.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u.service && \
	  chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u.service || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/loa $(DESTDIR)$(PREFIX)/share/man/man1/loa.1 \
	  $(DESTDIR)/etc/loa/loa.conf.example $(DESTDIR)$(PREFIX)/lib/systemd/system/loa.service \
	  $(DESTDIR)$(PREFIX)/lib/systemd/system/loa-web.service \
	  $(DESTDIR)$(PREFIX)/share/locale/vi/LC_MESSAGES/loa.mo
	@if [ -e $(UDEV_RULE) ] && ! cmp -s configs/99-loa-modems.rules $(UDEV_RULE); then \
	  echo "kept: $(UDEVDIR)/99-loa-modems.rules (edited)"; else rm -f $(UDEV_RULE); fi
	rm -rf $(DESTDIR)$(PREFIX)/share/loa
	@echo "kept: /etc/loa/loa.conf and the database (remove them by hand)"

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
