"""Data-parallel training under torchrun: ``python -m demos.distributed`` on every process.

Example (2 processes on CPU, gloo backend; NCCL on CUDA)::

    python -m torch.distributed.run --nproc_per_node=2 -m demos.distributed \\
        --method ddpm --dataset digits --steps 2000

Every process runs the same :func:`demos.train.fit`, which wraps the model in
``DistributedDataParallel`` (see that module): each rank draws its own batches, gradients are
all-reduced. Each rank takes ``batch_size / world_size`` samples, so the global batch and the
config (and its cache key) are those of a single-process run, and all ranks end with the same
weights. Rank 0 writes the checkpoint into the cache; ``--out DIR`` also makes every rank
write its final weights to ``DIR/rank<r>.pt`` (the test compares them).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch
import torch.distributed as dist


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demos.distributed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--method", default="ddpm")
    parser.add_argument("--dataset", default="digits")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--batch-size", type=int, default=None, help="global batch, split over the processes"
    )
    parser.add_argument("--width", type=int, default=None, help="net width (a tiny net for tests)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", type=Path, default=None, help="write rank<r>.pt weights here")
    parser.add_argument("--no-cache", action="store_true", help="do not write the checkpoint")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    from demos.cache import checkpoint_dir, save_checkpoint
    from demos.registry import default_train_config, get_method

    args = parse_args(argv)
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if cuda else "cpu")
    try:
        config = default_train_config(
            args.method, args.dataset, args.steps, seed=args.seed, data_dir=args.data_dir
        )
        if args.batch_size:
            config.batch_size = args.batch_size
        if args.width:
            config.net.width = args.width
        result = get_method(config.method).train(config, device, rank == 0)
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            torch.save(
                {"model": result.model.state_dict(), "ema": result.ema.state_dict()},
                args.out / f"rank{rank}.pt",
            )
        if rank == 0 and not args.no_cache:
            info = {
                "seconds": round(result.seconds, 2),
                "final_loss": result.losses[-1],
                "device": str(device),
                "world_size": dist.get_world_size(),
            }
            path = save_checkpoint(checkpoint_dir(config), config, result.model, result.ema, info)
            print(f"checkpoint: {path}")
        dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
