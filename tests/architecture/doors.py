"""The ``doors`` contract type of import-linter (the contracts are in pyproject.toml).

An app's door is the few modules other apps may import (its services, selectors and models,
and what it genuinely shares); everything else in it is its own business, free to change.
The contract fails for each direct import, by one of the ``importers``, of a module of
``package`` that is neither a door nor inside one. Benches and tests are not importers: they
measure and test the insides on purpose. ``ignore_imports`` works as in import-linter's own
contracts, for named exceptions, each with a comment in pyproject.toml.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.domain import helpers


class DoorsContract(Contract):
    type_name = "doors"

    package = fields.ModuleField()
    doors = fields.ListField(subfield=fields.ModuleField())
    importers = fields.ListField(subfield=fields.ModuleExpressionField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,
            unmatched_alerting=self.unmatched_ignore_imports_alerting,
        )
        package = self.package.name
        inside = {package} | graph.find_descendants(package)
        warnings = list(removal.warnings)
        open_modules: set[str] = set()
        for door in self.doors:
            if door.name not in graph.modules:
                warnings.append(f"{door.name} is named as a door of {package} but does not exist")
                continue
            open_modules |= {door.name} | graph.find_descendants(door.name)
        importers = {
            module.name
            for module in helpers.module_expressions_to_modules(
                graph, self.importers, as_packages=True
            )
        } - inside

        links = []
        # the package itself (its empty __init__) is neither a door nor an internal
        for internal in sorted(inside - open_modules - {package}):
            for importer in sorted(graph.find_modules_that_directly_import(internal) & importers):
                details = graph.get_import_details(importer=importer, imported=internal)
                links.append(
                    {
                        "importer": importer,
                        "imported": internal,
                        "line_numbers": tuple(detail["line_number"] for detail in details),
                    }
                )
        return ContractCheck(
            kept=not links,
            warnings=warnings,
            ignored_import_count=removal.ignored_import_count,
            metadata={"links": links},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        doors = ", ".join(door.name for door in self.doors)
        output.print_error(f"Imports of {self.package.name} past its doors ({doors}):", bold=False)
        output.new_line()
        for link in check.metadata["links"]:
            lines = ", ".join(map(str, link["line_numbers"]))
            importer, imported = link["importer"], link["imported"]
            output.print_error(f"- {importer} -> {imported} (l.{lines})", bold=False)
        output.new_line()
