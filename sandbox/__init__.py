"""A local stand-in for the Telegram Bot API, for tests and offline development.

Run standalone with ``python -m sandbox --port 8081``; embed with :class:`SandboxServer`;
drive users from tests with :class:`SandboxClient`.
"""

from sandbox.client import (
    ButtonNotFoundError,
    MessageNotFoundError,
    SandboxClient,
    SandboxControlError,
)
from sandbox.client_models import (
    ApiCall,
    BotInfo,
    Button,
    CallbackInfo,
    ChatFile,
    ChatMessage,
    ChatView,
    CommandSet,
    FaultInfo,
    PressResult,
)
from sandbox.client_user import SandboxUser
from sandbox.server import SandboxServer, create_app

__all__ = [
    "ApiCall",
    "BotInfo",
    "Button",
    "ButtonNotFoundError",
    "CallbackInfo",
    "ChatFile",
    "ChatMessage",
    "ChatView",
    "CommandSet",
    "FaultInfo",
    "MessageNotFoundError",
    "PressResult",
    "SandboxClient",
    "SandboxControlError",
    "SandboxServer",
    "SandboxUser",
    "create_app",
]
