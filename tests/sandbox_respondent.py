"""A sandbox user as a `Respondent` of tests/survey_driver.py: waits for the bot like a person."""

from __future__ import annotations

import asyncio

from sandbox import ChatMessage, SandboxUser


class SandboxRespondent:
    def __init__(self, user: SandboxUser, timeout: float = 15.0) -> None:
        self.user = user
        self.timeout = timeout

    async def _with_button(self, label: str | None = None) -> ChatMessage:
        deadline = asyncio.get_running_loop().time() + self.timeout
        while True:
            for message in reversed(await self.user.chat(files=False)):
                if (
                    message.is_bot
                    and message.buttons
                    and (label is None or label in message.button_texts())
                ):
                    return message
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no bot message with a button {label!r}")
            await asyncio.sleep(0.05)

    async def buttons(self) -> list[str]:
        return (await self._with_button()).button_texts()

    async def tap(self, label: str) -> None:
        message = await self._with_button(label)
        pressed = await self.user.press(message, label)
        await self.user.wait_for_answer(pressed, timeout=self.timeout)

    async def type(self, text: str) -> None:
        await self.user.send(text)
        await self.user.wait_for_message(timeout=self.timeout)
