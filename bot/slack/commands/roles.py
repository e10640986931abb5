"""`/bookeo role @someone staff` and `/bookeo roles`."""

from __future__ import annotations

from bot.slack.commands.call import Call
from bot.slack.commands.parser import ListRoles, SetRole
from bot.slack.views.lists import roles_blocks
from bot.wording import role_noun


async def run_set_role(request: SetRole, call: Call) -> None:
    roles = call.deps.channels.roles
    await roles.set(call.actor, request.user_id, request.role, confirmed=request.confirmed)
    noun = role_noun(request.role.value)
    await call.say(f":white_check_mark: <@{request.user_id}> is now {noun}.")


async def run_roles(_request: ListRoles, call: Call) -> None:
    roles = await call.deps.channels.roles.list(call.actor)
    await call.say("Roles", roles_blocks(roles.assigned, roles.bootstrap_admins))
