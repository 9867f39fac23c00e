"""Why a job failed, read in the reader's language: an import whose file could not be read
(its stored English words matched against the texts with values and said again, the values
too where they are known texts), and the failures forecast runs, training runs and replays
write to their run rows."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from accounts.tenancy import tenant_context
from core import runs
from core.runs import message_text, stored_message
from forecasting import night
from forecasting.models import ForecastRun
from inventory.ingest import imports
from inventory.ingest.row_messages import FILE_UNREADABLE
from inventory.models import ImportJob
from inventory.tasks import DATABASE_LOST_MESSAGE
from planning.models import PolicyReplay
from planning.replays.execute import REPLAY_STOPPED
from tests.factories import ImportJobFactory, MerchantFactory, member

ZH = "zh-hans"


class ImportFailureTests(TestCase):
    def test_a_file_that_is_not_utf_8_fails_in_english_and_reads_in_chinese(self):
        merchant = MerchantFactory()
        job = ImportJobFactory(
            merchant=merchant,
            status=ImportJob.Status.QUEUED,
            header=["sku", "location", "date", "units"],
            mapping={"sku": "sku", "location": "location", "date": "date", "units": "units"},
            file=ContentFile(b"sku,location,date,units\nMUG,\xff\xfe,2026-03-02,1\n", "s.csv"),
        )
        with tenant_context(merchant), self.captureOnCommitCallbacks(execute=True):
            failed = imports.import_run(merchant=merchant, job_id=job.pk)
        self.assertEqual(failed.status, ImportJob.Status.FAILED)
        self.assertEqual(failed.message, "The file could not be read: the file is not UTF-8 text")
        with translation.override("en"):
            self.assertEqual(failed.message_text, failed.message)
        with translation.override(ZH):
            self.assertEqual(failed.message_text, "无法读取文件：文件不是 UTF-8 文本")


class StoredWordsTests(SimpleTestCase):
    def test_values_are_kept_and_said_again_where_they_are_known_texts(self):
        damaged = stored_message(FILE_UNREADABLE, error="line 7: unexpected end of data")
        with translation.override(ZH):
            self.assertEqual(message_text(damaged), "无法读取文件：第 7 行：unexpected end of data")
            self.assertEqual(
                message_text("The file is larger than 200 MB once decompressed: split it into "
                             "smaller files."),
                "文件解压后超过 200 MB：请拆分为多个较小的文件。",
            )  # fmt: skip
            self.assertEqual(
                message_text("The file has more than 1,000,000 rows: split it into smaller files."),
                "文件超过 1,000,000 行：请拆分为多个较小的文件。",
            )

    def test_words_of_no_known_text_are_kept_as_stored(self):
        with translation.override(ZH):
            self.assertEqual(message_text("Disk quota exceeded\r\n"), "Disk quota exceeded\r\n")
            self.assertEqual(message_text("The file could not be"), "The file could not be")


class RunFailureTests(TestCase):
    def tearDown(self):
        # the portal's middleware activated the reader's language: the next test starts afresh
        translation.deactivate()

    def test_a_failed_runs_reason_is_in_chinese_in_its_status_and_on_the_runs_page(self):
        merchant = MerchantFactory(slug="alpha")
        owner = member(merchant, Role.OWNER)
        with tenant_context(merchant):
            run = ForecastRun.objects.create(
                merchant=merchant, status=runs.FAILED, message=night.RUN_STOPPED
            )
        with translation.override(ZH):
            self.assertEqual(
                runs.progress(run, done=0, total=0, label="")["message"], "运行因意外错误而中止。"
            )
        self.client.force_login(owner)
        page = self.client.get(
            reverse("forecasting:runs", args=[merchant.slug]), HTTP_ACCEPT_LANGUAGE=ZH
        )
        self.assertContains(page, "运行因意外错误而中止。")
        self.assertNotContains(page, night.RUN_STOPPED)

    def test_a_failed_chunk_training_run_and_replay_read_in_chinese(self):
        expected = {
            night.CHUNK_FAILED: "有一个分块失败：该分块因意外错误而中止。",
            night.TRAINING_STOPPED: "训练因意外错误而中止。",
            REPLAY_STOPPED: "回放因意外错误而中止。",
        }
        for message, chinese in expected.items():
            with self.subTest(message), translation.override(ZH):
                replay = PolicyReplay(status=runs.FAILED, message=message)
                self.assertEqual(
                    runs.progress(replay, done=0, total=0, label="")["message"], chinese
                )


class ImportLastResortTests(SimpleTestCase):
    def test_an_import_stopped_by_its_task_reads_in_chinese(self):
        stopped = ImportJob(
            status=ImportJob.Status.FAILED,
            message="The import stopped on an unexpected error; nothing was loaded. Platform "
            "staff can see the error in the console; try again later.",
        )
        with translation.override(ZH):
            self.assertEqual(
                stopped.message_text,
                "导入因意外错误而中止，未导入任何数据。平台员工可在控制台查看该错误，请稍后重试。",
            )
        lost = ImportJob(status=ImportJob.Status.FAILED, message=DATABASE_LOST_MESSAGE)
        with translation.override(ZH):
            self.assertEqual(
                lost.message_text, "导入此文件时无法连接数据库，未导入任何数据。请几分钟后重试。"
            )
