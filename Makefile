# MMCANet cloud removal: the two commands are `make setup` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SITE := $(VENV)/lib/python3.11/site-packages
# Where QGIS looks for this plugin in tests, qgis_process and `make demo` (a folder named mmcanet).
QGIS_BUILD := build/qgis
export QT_QPA_PLATFORM := offscreen

# Environment for running QGIS headless with this plugin and the venv's packages.
QGIS_ENV = QT_QPA_PLATFORM=offscreen PYTHONPATH=$(abspath $(SITE)) \
	QGIS_PLUGINPATH=$(abspath $(QGIS_BUILD)/plugins) \
	QGIS_CUSTOM_CONFIG_PATH=$(abspath $(QGIS_BUILD)/config)

.PHONY: setup test lint bench stats package deploy demo train-demo onnx translations i18n-update i18n-compile clean

setup: $(VENV)/.done $(QGIS_BUILD)/plugins/mmcanet ## QGIS from apt, venv, pinned packages

/usr/bin/qgis_process.bin:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
		--no-install-recommends qgis python3-qgis qttools5-dev-tools >/dev/null

$(VENV)/bin/python: /usr/bin/qgis_process.bin
	/usr/bin/python3 -m venv --system-site-packages $(VENV)

$(VENV)/.done: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

$(QGIS_BUILD)/plugins/mmcanet:
	mkdir -p $(QGIS_BUILD)/plugins $(QGIS_BUILD)/config
	ln -sfn $(CURDIR) $@

test: setup ## the whole suite, in a real (offscreen) QgsApplication
	$(PY) -m ruff check .
	$(QGIS_ENV) $(PY) -m pytest

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

train-demo: setup ## retrain the shipped demonstrator checkpoint
	$(PY) scripts/train_demo.py

onnx: setup ## the shipped checkpoint(s) as ONNX, beside them (rerun after retraining)
	for w in mmcanet_core/checkpoints/*.safetensors; do \
		$(PY) -m mmcanet_core export --weights "$$w" --output "$${w%.safetensors}.onnx" || exit 1; \
	done

i18n-update: ## refresh i18n/*.ts from the sources
	$(PY) scripts/i18n.py update

i18n-compile: ## compile i18n/*.ts to .qm
	$(PY) scripts/i18n.py compile

translations: i18n-update i18n-compile

clean:
	rm -rf build dist .pytest_cache
