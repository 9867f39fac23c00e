"""Which transformer serves a merchant, and loading it: the shipped base model, or the
merchant's active fine-tuned version (weights in the configured storage). Loaded models are
kept per process: artifacts never change once written."""

from __future__ import annotations

import functools

import safetensors.torch
import torch
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Merchant
from forecasting import selectors
from forecasting.models import ModelVersion
from forecasting.neural import network


def configure_threads() -> None:
    if settings.FORECAST_TORCH_THREADS:
        torch.set_num_threads(settings.FORECAST_TORCH_THREADS)


@functools.lru_cache(maxsize=1)
def _base(directory: str) -> torch.nn.Module:
    return network.load(directory)


def base_model() -> torch.nn.Module:
    configure_threads()
    return _base(str(settings.FORECAST_BASE_MODEL_DIR))


@functools.lru_cache(maxsize=8)
def _version_model(version_id: int, name: str, directory: str) -> torch.nn.Module:
    with default_storage.open(name, "rb") as handle:
        state = safetensors.torch.load(handle.read())
    model = network.load(directory)
    model.load_state_dict(state)
    return model.eval()


def version_model(version: ModelVersion) -> torch.nn.Module:
    configure_threads()
    return _version_model(version.pk, version.artifact.name, str(settings.FORECAST_BASE_MODEL_DIR))


def judging_model(version: ModelVersion) -> torch.nn.Module:
    """The twin that stands for ``version`` on the selection windows: trained only on the
    days before them (the version itself where it has none)."""
    if not version.held_out_artifact:
        return version_model(version)
    configure_threads()
    directory = str(settings.FORECAST_BASE_MODEL_DIR)
    return _version_model(version.pk, version.held_out_artifact.name, directory)


def serving_models(
    merchant: Merchant,
) -> tuple[torch.nn.Module, torch.nn.Module, ModelVersion | None]:
    """The transformer that forecasts for the merchant, the one that stands for it on the
    selection windows, and its version (None: the base model, which is both)."""
    version = selectors.active_version(merchant)
    return *models_of(version), version


def models_of(version: ModelVersion | None) -> tuple[torch.nn.Module, torch.nn.Module]:
    """A version's served and judging transformers (the base model for both with none)."""
    if version is None:
        model = base_model()
        return model, model
    return version_model(version), judging_model(version)


def artifact(model: torch.nn.Module) -> ContentFile:
    state = {
        name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()
    }
    return ContentFile(safetensors.torch.save(state))
