"""Reload a screen's data when events arrive, without piling up loads during a burst."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from app.core.errors import LoketError
from app.ui.tasks import TaskRunner

T = TypeVar("T")


class Refresher(Generic[T]):
    """`request()` loads through the task runner and hands the result to `show`. Requests
    while a load is running are folded into one more load afterwards."""

    def __init__(
        self,
        runner: TaskRunner,
        load: Callable[[], T],
        show: Callable[[T], None],
        on_error: Callable[[LoketError], None],
    ) -> None:
        self._runner = runner
        self._load = load
        self._show = show
        self._on_error = on_error
        self._loading = False
        self._again = False

    def request(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._runner.run(self._load, self._loaded, self._failed)

    def _loaded(self, value: T) -> None:
        self._loading = False
        self._show(value)
        self._next()

    def _failed(self, error: LoketError) -> None:
        self._loading = False
        self._on_error(error)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.request()
