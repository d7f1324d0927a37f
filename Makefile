# dtirank -- plain Makefile.  `make run` and `make check` install missing libraries first (deps).
.SUFFIXES:

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKGS     = gsl yaml-0.1 libutf8proc xlsxwriter
TESTPKGS = cmocka
DEB_PKGS = pkg-config libgsl-dev libyaml-dev libcmocka-dev libutf8proc-dev libcsv-dev cmark libxlsxwriter-dev help2man
BUILD   ?= build

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes \
       -Wfloat-equal -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT      ?= -O2 -g
SAN      ?=
DATADIR  ?= $(CURDIR)
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(SAN) $(WARN) -Isrc \
             -DDTI_DATADIR='"$(DATADIR)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CPPFLAGS) $(CFLAGS)
LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread
TESTLIBS  = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

LIB_SRC = src/error.c src/util.c src/io.c src/yaml_io.c src/ynode.c src/registry.c src/framework.c src/year.c \
          src/rank.c src/ranking.c src/lookup.c src/output.c src/validate.c src/project.c src/targets.c src/merger.c \
          src/mc.c src/project_latent.c src/project_settings.c src/backtest.c src/project_run.c src/backtest_cache.c
# the report layer (one document, one writer per format) and the presenters that build its documents
LIB_SRC += src/report.c src/report_text.c src/report_md.c src/report_csv.c src/report_json.c \
           src/report_chart.c src/report_svg.c src/report_html.c src/lang.c \
           src/present_rank.c src/present_score.c src/present_tune.c src/present_misc.c src/present_project.c \
           src/present_report.c src/overview.c
# the composite-index engine (methods, engine stages, generic data tables)
LIB_SRC += src/methods.c src/engine.c src/engine_kernel.c src/treat.c src/normalise.c src/aggregate.c src/sort.c src/dataset.c \
           src/score.c src/transform.c src/audit.c
# CSV data tables (issue 12): the reader (libcsv) and the loader; a year record from a published table
# (import, its record writer, the template and import documents); the Excel writer (libxlsxwriter)
LIB_SRC += src/csv_read.c src/dataset_csv.c
LIB_SRC += src/import.c src/year_write.c src/present_import.c src/report_xlsx.c
# the analyst's toolkit (issue 14): named and data-driven weights, leave-one-out, comparisons, panel imputation
LIB_SRC += src/weights.c src/compare.c src/panel.c
# ... at the level of the commands: weight sets of a run, compare, profile, regional ranks
LIB_SRC += src/toolkit.c src/profile.c src/present_toolkit.c
# weight tuning (issue 5): implied weights, uncertainty/sensitivity, stability, goal seeking
LIB_SRC += src/tune_load.c src/tune_fit.c src/tune_mc.c src/tune_sens.c src/tune_what.c
# blocks (issue 17): indicators known only through their mean, recovered by a rule from the published index
LIB_SRC += src/block.c
# charts (issue 11): scales and ticks, the SVG writer, rank charts over years, bar-like charts
LIB_SRC += src/chart_scale.c src/chart_svg.c src/chart_plot.c src/chart_bars.c
# the libraries built against, for dtirank --version (issue 16); libyaml's header has no version macro
LIB_SRC += src/version.c
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/%.o)
$(BUILD)/version.o: CFLAGS_ALL += -DDTI_YAML_BUILD_VERSION='"$(shell pkg-config --modversion yaml-0.1 2>/dev/null)"'
UNIT    = test_report test_yaml test_registry test_rank test_year test_project test_latent test_merger test_engine test_methods test_audit test_tune test_tune_units test_chart test_csv test_weights test_compare \
          test_harden test_lang test_cache test_import test_toolkit test_block test_version
UNIT_BIN = $(UNIT:%=$(BUILD)/tests/%)

.PHONY: packaging man uninstall deb all deps run check unit golden bad safety formats docs asan bench leakcheck fuzz fuzz-coverage fuzz-csv install clean reference charts browser browser-if-found backtest imports xlsx tutorial

all: $(BUILD)/dtirank

# Installs the libraries when pkg-config cannot find them: as root directly, through sudo otherwise,
# or stops with the exact command to run.
deps:
	@if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists $(PKGS) $(TESTPKGS) && [ -f /usr/include/csv.h ] && command -v cmark >/dev/null 2>&1 && command -v help2man >/dev/null 2>&1; then :; else \
	  echo "dtirank: installing $(DEB_PKGS)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PKGS); \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PKGS); \
	  else echo "dtirank: missing libraries; run: sudo apt-get install -y $(DEB_PKGS)"; exit 1; fi; fi

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

$(BUILD)/libdtirank.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $(LIB_OBJ)

# The program: main.c dispatches to the commands (cmd_*.c), which share cli.c; all above the library.
CLI_OBJ = $(BUILD)/main.o $(BUILD)/cli.o $(BUILD)/cmd_rank.o $(BUILD)/cmd_project.o $(BUILD)/cmd_score.o \
          $(BUILD)/cmd_tune.o $(BUILD)/cmd_data.o $(BUILD)/cmd_report.o $(BUILD)/cmd_import.o $(BUILD)/cmd_toolkit.o \
          $(BUILD)/cmd_version.o
$(BUILD)/dtirank: $(CLI_OBJ) $(BUILD)/libdtirank.a
	$(CC) $(OPT) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libdtirank.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h tests/unit/testscore.h tests/unit/fixture_abc.h $(BUILD)/libdtirank.a
	$(CC) $(CFLAGS_ALL) -Itests/unit -DDTI_SRCDIR='"$(CURDIR)"' -o $@ $< $(BUILD)/libdtirank.a $(TESTLIBS) $(LIBS)

# The main job on the embedded data.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/dtirank project

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@$(MAKE) --no-print-directory unit golden bad safety formats docs charts browser-if-found imports xlsx tutorial packaging

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do ./$$t || fail=1; done; exit $$fail

golden: $(BUILD)/dtirank
	@sh tests/golden/run.sh ./$(BUILD)/dtirank
	@sh tests/csv/routes.sh ./$(BUILD)/dtirank
	@if command -v python3 >/dev/null 2>&1; then python3 tests/golden/check_scores.py; \
	 else echo "golden: python3 not found, tests/golden/check_scores.py skipped"; fi
	@if command -v python3 >/dev/null 2>&1; then python3 tests/golden/check_toolkit.py; \
	 else echo "golden: python3 not found, tests/golden/check_toolkit.py skipped"; fi

bad: $(BUILD)/dtirank
	@sh tests/bad/run.sh ./$(BUILD)/dtirank

# Hostile --out and special inputs on a copied home: refused, and no file changed (tests/safety/run.sh).
safety: $(BUILD)/dtirank
	@sh tests/safety/run.sh ./$(BUILD)/dtirank
# Every command in every format through real parsers (json.tool, csv); Debian's python3 (stdlib only).
formats: $(BUILD)/dtirank
	@if [ -x /usr/bin/python3 ]; then /usr/bin/python3 tests/formats/check.py ./$(BUILD)/dtirank; \
	 else echo "formats: /usr/bin/python3 not found, tests/formats/check.py skipped"; fi

# template and import (issue 12): a SYNTHETIC DTI 2025 imported into a copy of the home, then rank,
# project and backtest; the bad imports of tests/import/cases.txt (Debian's python3 with python3-yaml).
imports: $(BUILD)/dtirank
	@if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then sh tests/import/run.sh ./$(BUILD)/dtirank; \
	 else echo "imports: /usr/bin/python3 with python3-yaml not found, tests/import/run.sh skipped"; fi

# Every command's --format xlsx read back with openpyxl, cell by cell against its CSV (python3-openpyxl:
# a test-only package, installed by .ci/run; skipped without it).
xlsx: $(BUILD)/dtirank
	@if [ -x /usr/bin/python3 ]; then /usr/bin/python3 tests/xlsx/check_xlsx.py ./$(BUILD)/dtirank; \
	 else echo "xlsx: /usr/bin/python3 not found, tests/xlsx/check_xlsx.py skipped"; fi

# Packaging (issue 16): dtirank --version against dpkg's versions and the record's years; the manual
# pages (tests/man: one per command, `man --warnings` silent; skipped without man or help2man); the
# shell completion and `units --complete` (tests/completion); make install / uninstall into temporary
# directories, a C program built against the installed library with pkg-config (tests/install).
packaging: $(BUILD)/dtirank
	@sh tests/version/run.sh ./$(BUILD)/dtirank
	@sh tests/man/run.sh ./$(BUILD)/dtirank
	@sh tests/completion/run.sh ./$(BUILD)/dtirank
	@MAKE='$(MAKE)' BUILD='$(BUILD)' CC='$(CC)' SAN='$(SAN)' sh tests/install/run.sh

# The manual pages, from the --help texts (help2man) and man/*.h2m, for the program installed in PREFIX.
man: $(BUILD)/dtirank
	@rm -rf $(BUILD)/man && sh man/gen.sh ./$(BUILD)/dtirank $(BUILD)/man $(PREFIX)/share/dtirank $(PREFIX)/share/doc/dtirank

# The tutorial of docs/guide.md ("Your own index in ten minutes"): every command in it, run.
tutorial: $(BUILD)/dtirank
	@sh tests/tutorial/run.sh ./$(BUILD)/dtirank

# The documents' headings as CommonMark sees them (cmark), so that no code fence is left open.
docs:
	@sh tests/docs/check.sh
# Charts (issue 11): the demo SVGs (SYNTHETIC) checked by tests/chart/check_svg.py, then rendered by
# headless Chromium (`make browser`; PNGs kept in $(BUILD)/browser) with the report in both languages
# and every command's --format svg (tests/browser/inputs.sh).  `make check` runs the browser tests
# when a browser is installed (.ci/run installs one) and says so when it skips them.
$(BUILD)/chart_demo: tests/chart/chart_demo.c $(BUILD)/libdtirank.a
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libdtirank.a $(LIBS)

charts: $(BUILD)/chart_demo $(BUILD)/dtirank
	@rm -rf $(BUILD)/chart && mkdir -p $(BUILD)/chart && ./$(BUILD)/chart_demo $(BUILD)/chart
	@if [ -x /usr/bin/python3 ]; then /usr/bin/python3 tests/chart/check_svg.py --expect-fail tests/chart/bad && \
	   /usr/bin/python3 tests/chart/check_svg.py $(BUILD)/chart; \
	 else echo "charts: /usr/bin/python3 not found, tests/chart/check_svg.py skipped"; fi

BROWSER_RUN = sh tests/browser/run.sh -x $(BUILD)/browser-bad tests/browser/bad/* && \
              sh tests/browser/inputs.sh ./$(BUILD)/dtirank $(BUILD)/browser-src && \
              sh tests/browser/run.sh $(BUILD)/browser $(BUILD)/chart/*.svg $(BUILD)/browser-src
browser: charts
	@$(BROWSER_RUN)

# BROWSER=auto: run the browser tests when Chromium is installed; yes: required (CI); no: skipped (asan)
BROWSER ?= auto
browser-if-found: charts
	@if [ "$(BROWSER)" = no ]; then echo "browser tests skipped: BROWSER=no"; \
	 elif command -v chromium-headless-shell >/dev/null 2>&1 || command -v chromium >/dev/null 2>&1; then \
	   $(BROWSER_RUN); \
	 elif [ "$(BROWSER)" = yes ]; then echo "browser tests: no chromium, and BROWSER=yes requires them"; exit 1; \
	 else echo "browser tests skipped: no chromium (apt-get install -y chromium-headless-shell fonts-noto-core)"; fi

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build tree.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" BROWSER=no check

# libFuzzer (clang, ASan + UBSan) on every parser: YAML tree, frameworks, registry, year records, data
# tables, merger maps and rules, targets, goal costs, uncertainty files and the command line
# (tests/fuzz/).  FUZZ_TIME seconds each (default 60); findings land in build-fuzz/.  `make fuzz-coverage`
# replays the corpora with source coverage and prints the loaders' line coverage.
FUZZ_TIME ?= 60
FUZZ_DEB_PKGS = clang libclang-rt-14-dev llvm-14
fuzz: deps
	@command -v clang >/dev/null 2>&1 || { echo "fuzz: needs clang (apt-get install -y $(FUZZ_DEB_PKGS))"; exit 1; }
	@sh tests/fuzz/fuzz.sh $(FUZZ_TIME)

fuzz-coverage: deps
	@command -v llvm-cov-14 >/dev/null 2>&1 || { echo "fuzz-coverage: needs apt-get install -y $(FUZZ_DEB_PKGS)"; exit 1; }
	@sh tests/fuzz/fuzz.sh coverage

# The CSV reader and the CSV data-table loader alone (fuzz_csv of tests/fuzz/fuzz.sh).
fuzz-csv: deps
	@command -v clang >/dev/null 2>&1 || { echo "fuzz-csv: needs apt-get install -y $(FUZZ_DEB_PKGS)"; exit 1; }
	@FUZZ_ONLY=fuzz_csv sh tests/fuzz/fuzz.sh $(FUZZ_TIME)

# valgrind over representative commands: no leak, no invalid access.
leakcheck: all
	@sh tests/leakcheck.sh ./$(BUILD)/dtirank

# Speed figures, printed side by side (no timing assertions in tests).
bench: all $(BUILD)/bench_engine $(BUILD)/bench_tune $(BUILD)/bench_project $(BUILD)/bench_sobol
	@./$(BUILD)/bench_project
	@sh tests/bench/bench_project.sh ./$(BUILD)/dtirank
	@sh tests/bench/bench_toolkit.sh ./$(BUILD)/dtirank
	@./$(BUILD)/bench_tune
	@./$(BUILD)/bench_sobol
	@./$(BUILD)/bench_engine
	@sh tests/bench/bench_scale.sh ./$(BUILD)/dtirank

# the engine's time per evaluation on synthetic 63 x 8 and 63 x 50 tables; leave-one-out on ASEM
$(BUILD)/bench_engine: tests/bench/bench_engine.c tests/bench/bench_util.h $(BUILD)/libdtirank.a
	$(CC) $(CFLAGS_ALL) -DDTI_SRCDIR='"$(CURDIR)"' -o $@ $< $(BUILD)/libdtirank.a $(LIBS)

# replications per second of the uncertainty analysis (tune sensitivity), DTI 63 x 8 and ASEM
$(BUILD)/bench_tune: tests/bench/bench_tune.c tests/bench/bench_util.h $(BUILD)/libdtirank.a
	$(CC) $(CFLAGS_ALL) -DDTI_SRCDIR='"$(CURDIR)"' -o $@ $< $(BUILD)/libdtirank.a $(LIBS)

# The backtest `dtirank report` shows (models/backtest.json, committed): every candidate of
# models/projection.yaml fitted at every origin with its sampler -- minutes, so the report never runs
# it.  Regenerate it when the record, the candidates, the origins or the sampler change
# (tests/unit/test_cache.c fails while it describes other ones).
backtest: all
	DTIRANK_HOME=. ./$(BUILD)/dtirank backtest --format json --out models/backtest.json
# the projection's fit and Monte Carlo beside the numpy yardstick (issue 15)
$(BUILD)/bench_project: tests/bench/bench_project.c tests/bench/bench_util.h $(BUILD)/libdtirank.a
	$(CC) $(CFLAGS_ALL) -DDTI_SRCDIR='"$(CURDIR)"' -o $@ $< $(BUILD)/libdtirank.a $(LIBS)

# convergence of the Sobol indices under the random and Sobol' designs (the table of docs/tuning.md)
$(BUILD)/bench_sobol: tests/bench/bench_sobol.c $(BUILD)/libdtirank.a
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libdtirank.a $(LIBS)

# Regenerates the committed reference values (needs Debian's python3-numpy and python3-scipy).
reference:
	/usr/bin/python3 tests/reference/asem_reference.py ../shared/bench/asem
	/usr/bin/python3 tests/reference/dti_official.py ../shared/data
	/usr/bin/python3 tests/reference/competition_rank.py
	/usr/bin/python3 tests/reference/example_raw_reference.py
	/usr/bin/python3 tests/reference/audit_reference.py
	/usr/bin/python3 tests/reference/merger_2022.py ../shared/data
	/usr/bin/python3 tests/reference/tune_fit_reference.py
	/usr/bin/python3 tests/reference/toolkit_reference.py ../shared/bench/asem
	/usr/bin/python3 tests/gen_toolkit_data.py
	/usr/bin/python3 tests/reference/regions_reference.py ../shared/data
	/usr/bin/python3 tests/reference/block_reference.py

# The installed program reads its data from $(PREFIX)/share/dtirank (cli.c is rebuilt with that
# DATADIR; the build tree's own binary keeps reading the build tree).
$(BUILD)/install/cli.o: src/cli.c $(wildcard src/*.h) FORCE | $(BUILD)
	mkdir -p $(BUILD)/install
	$(CC) $(CFLAGS_ALL) -UDTI_DATADIR -DDTI_DATADIR='"$(PREFIX)/share/dtirank"' -c -o $@ src/cli.c

$(BUILD)/install/dtirank: $(filter-out $(BUILD)/cli.o,$(CLI_OBJ)) $(BUILD)/install/cli.o $(BUILD)/libdtirank.a
	$(CC) $(OPT) $(SAN) $(LDFLAGS) -o $@ $(filter-out $(BUILD)/cli.o,$(CLI_OBJ)) $(BUILD)/install/cli.o $(BUILD)/libdtirank.a $(LIBS)

# What `make install` puts where (issue 16); each may be set on the command line (debian/rules sets
# LIBDIR to the multiarch directory).  `make uninstall` removes exactly these files.
VERSION    := $(shell sed -n 's/^\#define DTI_VERSION "\(.*\)"$$/\1/p' src/dtirank.h)
SOVERSION   = 0
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/dtirank
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCS        = README.md docs/guide.md docs/data.md docs/methods.md docs/projection.md docs/merger.md docs/tuning.md docs/charts.md
MANPAGES    = $(shell cut -f1 man/pages.txt | grep -v '^\#')

# The shared library: the library's objects are position-independent (-fPIC) so that one set serves both.
$(LIB_OBJ): CFLAGS_ALL += -fPIC
$(BUILD)/libdtirank.so.$(VERSION): $(LIB_OBJ)
	$(CC) $(OPT) $(SAN) -shared -Wl,-soname,libdtirank.so.$(SOVERSION) -Wl,-z,relro -Wl,-z,now $(LDFLAGS) \
	  -o $@ $(LIB_OBJ) $(LIBS)

$(BUILD)/dtirank.pc: Makefile FORCE | $(BUILD)
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' 'Name: dtirank' \
	  "Description: rankings, projections and weight analysis of Vietnam's provincial DTI" 'Version: $(VERSION)' \
	  'Requires.private: $(PKGS)' 'Libs: -L$${libdir} -ldtirank' 'Libs.private: -lcsv -lm -lpthread' \
	  'Cflags: -I$${includedir}' >$@

install: $(BUILD)/install/dtirank $(BUILD)/libdtirank.a $(BUILD)/libdtirank.so.$(VERSION) $(BUILD)/dtirank.pc man
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(PREFIX)/share/dtirank $(DESTDIR)$(LIBDIR)/pkgconfig \
	  $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(BASHCOMPDIR)
	cp $(BUILD)/install/dtirank $(DESTDIR)$(BINDIR)/
	cp -R data models $(DESTDIR)$(PREFIX)/share/dtirank/
	cp $(BUILD)/libdtirank.a $(BUILD)/libdtirank.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libdtirank.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdtirank.so.$(SOVERSION)
	ln -sf libdtirank.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libdtirank.so
	cp $(BUILD)/dtirank.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	cp src/dtirank.h $(DESTDIR)$(INCLUDEDIR)/
	cp $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp $(DOCS) $(DESTDIR)$(DOCDIR)/
	cp completion/dtirank $(DESTDIR)$(BASHCOMPDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dtirank $(DESTDIR)$(INCLUDEDIR)/dtirank.h $(DESTDIR)$(LIBDIR)/pkgconfig/dtirank.pc \
	  $(DESTDIR)$(LIBDIR)/libdtirank.a $(DESTDIR)$(LIBDIR)/libdtirank.so $(DESTDIR)$(LIBDIR)/libdtirank.so.$(SOVERSION) \
	  $(DESTDIR)$(LIBDIR)/libdtirank.so.$(VERSION) $(DESTDIR)$(BASHCOMPDIR)/dtirank
	rm -f $(MANPAGES:%=$(DESTDIR)$(MANDIR)/man1/%.1) $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	rm -rf $(DESTDIR)$(PREFIX)/share/dtirank
	-rmdir $(DESTDIR)$(DOCDIR)

# The Debian packages (debian/): dpkg-buildpackage on a copy of the tree in $(BUILD)/deb (so that nothing
# is written beside the repository), then lintian, which must find no error and no warning
# (debian/*.lintian-overrides justify what it says and we keep).  Needs $(DEB_BUILD_PKGS).
DEB_BUILD_PKGS = dpkg-dev debhelper lintian
deb:
	@command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 && command -v lintian >/dev/null 2>&1 || \
	  { echo "deb: needs apt-get install -y $(DEB_BUILD_PKGS)"; exit 1; }
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/dtirank-$(VERSION)
	tar --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude=./default.profraw -cf - . | \
	  tar -C $(BUILD)/deb/dtirank-$(VERSION) -xf -
	cd $(BUILD)/deb/dtirank-$(VERSION) && dpkg-buildpackage -b -us -uc
	lintian --fail-on error,warning $(BUILD)/deb/*.changes
	@ls $(BUILD)/deb/*.deb

FORCE: # PREFIX is not a file: rebuild the installed program's cli.o every time

clean:
	rm -rf build build-asan build-fuzz build-cov
