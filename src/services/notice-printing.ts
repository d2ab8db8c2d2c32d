/**
 * The notice renderers of a running server, with the PDFs printed after an approval commits: each is
 * tracked, so a shutdown waits for the PDFs under way before it closes the browser and the database.
 */
import type { NoticeRenderer } from '../documents/notice-renderer';
import type { PdfRenderer } from '../documents/pdf';
import type { CreditNotice } from '../schemas/credit-notices';
import type { ServiceContext } from './context';
import {
  approveCreditNotice,
  freezeNoticePdfs,
  type NoticeRenderers,
} from './credit-notices';

export interface NoticePrinting extends NoticeRenderers {
  /** Prints an issued notice's PDFs from its frozen HTML and stores them, after the current request. */
  freezePdfsLater(
    ctx: Pick<ServiceContext, 'store' | 'clock'>,
    noticeId: string,
  ): void;
  /** Resolves once every PDF started so far is stored, or has failed (and was reported). */
  settled(): Promise<void>;
  /** Waits for those, then stops the browser. */
  close(): Promise<void>;
}

export function createNoticePrinting({
  html,
  pdf,
  onError,
}: {
  html: NoticeRenderer;
  pdf: PdfRenderer;
  /** A PDF that could not be printed now; it is printed from the frozen HTML on its first request. */
  onError: (error: unknown, noticeId: string) => void;
}): NoticePrinting {
  const running = new Set<Promise<void>>();
  return {
    html,
    pdf,
    freezePdfsLater(ctx, noticeId) {
      const work = freezeNoticePdfs(ctx, noticeId, pdf)
        .catch((error: unknown) => onError(error, noticeId))
        .finally(() => running.delete(work));
      running.add(work);
    },
    async settled() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async close() {
      await this.settled();
      await pdf.close();
    },
  };
}

/**
 * An approval as the API and the pages make it: `approveCreditNotice`, and once the notice is issued, its
 * PDFs printed from the frozen HTML after the request.
 */
export function approveAndPrint(
  ctx: ServiceContext,
  id: string,
  printing: NoticePrinting,
): CreditNotice {
  const notice = approveCreditNotice(ctx, id, printing.html);
  if (notice.status === 'approved') printing.freezePdfsLater(ctx, notice.id);
  return notice;
}
