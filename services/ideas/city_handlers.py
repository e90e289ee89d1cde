"""The ideas service's use cases for the city: its official answers to published ideas, and the
participation processes ideas are submitted to. Each takes its unit of work, as handlers.py's do."""

import uuid

from aufbruch.contracts.errors import Conflict, NotFound, validated
from aufbruch.contracts.ideas import NewAnswer, NewProcess, ProcessChanges, PublicAnswer, PublicProcess
from aufbruch.unit_of_work import UnitOfWork
from services.ideas import answers, domain, processes
from services.ideas.handlers import idea_id_of
from services.ideas.repository import Repository
from services.ideas.settings import IdeasSettings


def answer(uow: UnitOfWork[Repository], idea_id, payload, principal: dict) -> dict:
    """The city's official answer to a published idea, given by staff (`principal`, kept internally
    and never shown), announced as `idea.status_changed`; 409 if the idea is not published or the
    status may not follow its current one (services/ideas/answers.py)."""
    request = validated(NewAnswer(), payload)
    with uow.transaction() as ideas:
        idea = ideas.get(idea_id_of(idea_id), for_update=True)  # answers of one idea in turn
        if idea is None:
            raise NotFound(f"No idea with id {idea_id}.")
        given = answers.answer(idea, request["status"], request["text"])
        ideas.add_answer(given, uuid.UUID(str(principal["user_id"])))
        ideas.add_event(
            "idea.status_changed",
            {
                "idea_id": idea.id,
                "answer_id": given.id,
                "title": idea.title,
                "process_id": idea.process_id,
                "official_status": given.official_status,
                "previous_status": given.previous_status,
                "answer": given.text,
                "answered_at": given.answered_at,
            },
        )
    return PublicAnswer().dump(vars(given))


def idea_answers(uow: UnitOfWork[Repository], idea_id) -> dict:
    """The public answer history, oldest first; only of a published idea (404 otherwise, like its text)."""
    with uow.transaction() as ideas:
        idea = ideas.get(idea_id_of(idea_id))
        if idea is None or idea.status != domain.PUBLISHED:
            raise NotFound(f"No published idea with id {idea_id}.")
        history = ideas.answers(idea.id)
    return {"items": PublicAnswer(many=True).dump([vars(each) for each in history])}


def _process_view(process: processes.Process, figures: dict, settings: IdeasSettings) -> dict:
    return PublicProcess().dump(
        vars(process)
        | {
            "categories": processes.categories(process, list(settings.categories)),
            "state": processes.state(process, processes.city_today(settings.city)),
            "standing": process.standing,
            "figures": figures,
        }
    )


def list_processes(uow: UnitOfWork[Repository], settings: IdeasSettings) -> dict:
    with uow.transaction() as ideas:
        found = ideas.processes_with_figures()
    return {"items": [_process_view(process, figures, settings) for process, figures in found]}


def public_process(uow: UnitOfWork[Repository], settings: IdeasSettings, process_id: str) -> dict:
    with uow.transaction() as ideas:
        found = ideas.processes_with_figures(process_id)
    if not found:
        raise NotFound(f"No process with id {process_id}.")
    [(process, figures)] = found
    return _process_view(process, figures, settings)


def create_process(uow: UnitOfWork[Repository], settings: IdeasSettings, payload) -> dict:
    """A new process (admins, over the gateway); 409 if its id is taken."""
    new = processes.Process(**validated(NewProcess(list(settings.categories)), payload))
    with uow.transaction() as ideas:
        if not ideas.add_process(new):
            raise Conflict(f"A process with id {new.id} exists already.")
    return public_process(uow, settings, new.id)


def change_process(uow: UnitOfWork[Repository], settings: IdeasSettings, process_id: str, payload) -> dict:
    """Change a process's title, description, categories or dates (admins). Ideas it took already
    stay in it, whatever their category or date."""
    changes = validated(ProcessChanges(list(settings.categories)), payload)
    with uow.transaction() as ideas:
        process = ideas.process(process_id, for_update=True)
        if process is None:
            raise NotFound(f"No process with id {process_id}.")
        ideas.save_process(processes.change(process, changes))
    return public_process(uow, settings, process_id)
