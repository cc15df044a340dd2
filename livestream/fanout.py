"""Room fan-out inside one daphne process: one group membership per room, one pass over its sockets.

Channels' usual pattern gives every socket its own channel in the room's group. On the pub/sub layer
each event then costs, per socket, a queue put and get, a task wake-up, an `asyncio.wait` round, a
msgpack decode and a dispatch before the frame is written: about 250 event-loop callbacks per event per
process in a 500-reader room, on the one thread that also writes the frames and reads the senders'
messages. Under load that backlog was the chat's latency tail (docs/benchmarks.md section 4).

Here the process joins the room's group once (one channel per room, per event loop), decodes each event
once and writes it to every local socket of the room in a single loop callback, in the order the layer
delivered the events (Redis pub/sub gives every subscriber the same order, so every client of every
process sees the same sequence). Blocked authors are still filtered per viewer.
"""

import asyncio
import contextlib
import logging

from channels.layers import get_channel_layer

logger = logging.getLogger("socialflow.livestream.fanout")


class Room:
    """The local sockets of one room on one event loop, and the reader that feeds them."""

    def __init__(self, key, layer, group: str):
        self.key = key
        self.layer = layer
        self.group = group
        self.members: dict = {}  # consumer -> None: an insertion-ordered set
        self.channel: str | None = None
        self._subscribed: asyncio.Task | None = None
        self._reader: asyncio.Task | None = None

    async def subscribed(self) -> None:
        """Wait until the room's channel is in the group (once; retried after a failure)."""
        if self._subscribed is None:
            self._subscribed = asyncio.ensure_future(self._subscribe())
        task = self._subscribed
        try:
            await asyncio.shield(task)
        except Exception:
            if self._subscribed is task:
                self._subscribed = None
            raise

    async def _subscribe(self) -> None:
        channel = await self.layer.new_channel(prefix="livestream-room.")
        await self.layer.group_add(self.group, channel)
        self.channel = channel
        self._reader = asyncio.ensure_future(self._read(channel))

    async def _read(self, channel: str) -> None:
        while True:
            try:
                event = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room %s: receive failed", self.group)
                await asyncio.sleep(1)
                continue
            try:
                await self.deliver(event)
            except Exception:  # a malformed event must not leave the room deaf
                logger.exception("room %s: could not deliver an event", self.group)

    async def deliver(self, event: dict) -> None:
        if event.get("type") != "chat.event":
            logger.warning("room %s: dropped an event of type %r", self.group, event.get("type"))
            return
        text = event["text"]
        author = event.get("author") or ""
        for consumer in list(self.members):
            if author and author in consumer.blocked:
                continue
            try:
                await consumer.send(text_data=text)
            except Exception:
                # A socket closing under us (its disconnect removes it); the others still get the frame.
                logger.debug("room %s: send to a closing socket failed", self.group, exc_info=True)

    async def close(self) -> None:
        if self._subscribed is not None and not self._subscribed.done():
            # The last socket left while the room was still joining: let that finish (its failure is the
            # joiner's to report), then undo it.
            await asyncio.wait({self._subscribed})
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self.channel is not None:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:
                logger.warning("room %s: group_discard failed", self.group, exc_info=True)
            self.channel = None


_rooms: dict = {}


async def room_join(alias: str, group: str, consumer) -> None:
    """Deliver the group's events to `consumer` (it needs `blocked` and `send`) until room_leave."""
    key = (asyncio.get_running_loop(), alias, group)
    room = _rooms.get(key)
    if room is None:
        room = _rooms[key] = Room(key, get_channel_layer(alias), group)
    room.members[consumer] = None
    try:
        await room.subscribed()
    except BaseException:
        _forget(room, consumer)
        raise


def _forget(room: Room, consumer) -> bool:
    """Remove `consumer`; whether that emptied the room (which is then unregistered)."""
    room.members.pop(consumer, None)
    if room.members or _rooms.get(room.key) is not room:
        return False
    del _rooms[room.key]
    return True


async def room_leave(alias: str, group: str, consumer) -> None:
    room = _rooms.get((asyncio.get_running_loop(), alias, group))
    if room is not None and _forget(room, consumer):
        await room.close()


def room_leave_soon(alias: str, group: str, consumer) -> None:
    """room_leave for code that cannot await (a consumer torn down without its disconnect)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    room = _rooms.get((loop, alias, group))
    if room is not None and _forget(room, consumer):
        loop.create_task(room.close())


def local_members(alias: str, group: str) -> int:
    """Sockets of this event loop in the room (tests, diagnostics)."""
    room = _rooms.get((asyncio.get_running_loop(), alias, group))
    return len(room.members) if room is not None else 0
