"""What the demo pages keep of a sampler's run: a few frames, and the path each sample took."""

from __future__ import annotations

import torch

from demos.app.runs import _Recorder, accepted_states, frame_indices


def test_frames_are_spread_evenly_and_keep_both_ends():
    assert frame_indices(1001, 11) == list(range(0, 1001, 100))
    assert frame_indices(5, 10) == [0, 1, 2, 3, 4]
    assert frame_indices(7, 1) == [6]


def test_of_several_calls_at_one_time_the_last_state_is_kept():
    # Heun: slope at (x0, 0), guess at (g1, .5), slope at (x1, .5), guess at (g2, 1) …
    calls = [
        (0.0, torch.tensor([0.0])),
        (0.5, torch.tensor([9.0])),
        (0.5, torch.tensor([1.0])),
        (1.0, torch.tensor([8.0])),
        (1.0, torch.tensor([2.0])),
    ]
    states = accepted_states(calls)
    assert [t for t, _ in states] == [0.0, 0.5, 1.0]
    assert [x.item() for _, x in states] == [0.0, 1.0, 2.0]


class Shift(torch.nn.Module):
    """A stand-in denoiser ``(x, t) → x + t/1000 + b``."""

    def __init__(self) -> None:
        super().__init__()
        self.b = torch.nn.Parameter(torch.tensor(0.5))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return x + t[:, None] / 1000 + self.b


def test_the_recorder_passes_calls_through_and_keeps_inputs():
    net = Shift()
    recorder = _Recorder(net)
    x = torch.ones(3, 2)
    out = recorder(x, torch.full((3,), 250.0))
    assert torch.allclose(out, torch.full((3, 2), 1.75))  # 1 + 0.25 + 0.5
    ((time, kept),) = recorder.calls
    assert time == 250.0 and torch.equal(kept, x)
    x.add_(1)  # the sampler updates its state in place: the record must not change
    assert torch.equal(kept, torch.ones(3, 2))
    assert list(recorder.parameters()) == list(net.parameters())  # samplers ask for the device
