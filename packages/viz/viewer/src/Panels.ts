const COLORS: Readonly<Record<string, string>> = { vision: '#4fa3ff', lidar: '#5fd38d', audio: '#e0b341', touch: '#ef6a6a' };
const PLOT_SAMPLES = 200;

interface ModalityWeights { modalities: string[]; weights: ArrayLike<number>; active_modules: string[]; stale: boolean[] }
interface DiagnosticArray { status: { name: string; level: number | string; message: string; values: { key: string; value: string }[] }[] }
interface Image { width: number; height: number; encoding: string; step: number; data: Uint8Array }

/** Gating weights: one bar per modality plus a rolling time plot (fixed ring buffers, redrawn per message). */
export class GatingPanel {
  readonly #bars: HTMLElement;
  readonly #plot: HTMLCanvasElement;
  readonly #active: HTMLElement;
  readonly #fills = new Map<string, { fill: HTMLElement; label: HTMLElement }>();
  readonly #history = new Map<string, Float32Array>();
  #head = 0;
  #samples = 0;
  /** Current weights (read by tests and the status line). */
  readonly current: Record<string, number> = {};

  constructor(bars: HTMLElement, plot: HTMLCanvasElement, active: HTMLElement) {
    this.#bars = bars;
    this.#plot = plot;
    this.#active = active;
  }

  update(m: ModalityWeights): void {
    for (let i = 0; i < m.modalities.length; i++) {
      const name = m.modalities[i]!;
      const w = m.weights[i] ?? 0;
      this.current[name] = w;
      let bar = this.#fills.get(name);
      if (bar === undefined) {
        const row = document.createElement('div');
        row.className = 'bar';
        row.dataset['modality'] = name;
        row.innerHTML = `<span>${name}</span><div class="track"><div class="fill"></div></div><span class="value"></span>`;
        this.#bars.appendChild(row);
        bar = { fill: row.querySelector('.fill') as HTMLElement, label: row.querySelector('.value') as HTMLElement };
        bar.fill.style.background = COLORS[name] ?? '#aaa';
        this.#fills.set(name, bar);
        this.#history.set(name, new Float32Array(PLOT_SAMPLES));
      }
      bar.fill.style.width = `${(Math.min(1, Math.max(0, w)) * 100).toFixed(1)}%`;
      bar.fill.dataset['weight'] = w.toFixed(2);
      bar.label.textContent = (m.stale[i] ?? false) ? 'stale' : w.toFixed(2);
      this.#history.get(name)![this.#head] = w;
    }
    this.#head = (this.#head + 1) % PLOT_SAMPLES;
    this.#samples = Math.min(PLOT_SAMPLES, this.#samples + 1);
    this.#active.textContent = m.active_modules.length > 0 ? `active: ${m.active_modules.join(', ')}` : '';
    this.#draw();
  }

  #draw(): void {
    const ctx = this.#plot.getContext('2d');
    if (ctx === null) return;
    const { width, height } = this.#plot;
    ctx.clearRect(0, 0, width, height);
    for (const [name, ring] of this.#history) {
      ctx.strokeStyle = COLORS[name] ?? '#aaa';
      ctx.beginPath();
      for (let k = 0; k < this.#samples; k++) {
        const idx = (this.#head - this.#samples + k + PLOT_SAMPLES) % PLOT_SAMPLES;
        const x = (k / (PLOT_SAMPLES - 1)) * width;
        const y = height - ring[idx]! * (height - 2) - 1;
        if (k === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
  }
}

/** Per-stage latency and safety interventions, both from `diagnostics` (DiagnosticArray KeyValues). */
export class DiagnosticsPanel {
  readonly #latency: HTMLTableSectionElement;
  readonly #safetyCount: HTMLElement;
  interventions = 0;

  constructor(latency: HTMLTableSectionElement, safetyCount: HTMLElement) {
    this.#latency = latency;
    this.#safetyCount = safetyCount;
  }

  update(d: DiagnosticArray): void {
    for (const status of d.status) {
      const node = status.name.replace(/^.*\//, '') || status.name;
      const stages = new Map<string, { p50?: string; p99?: string }>();
      for (const { key, value } of status.values) {
        const m = /^stage (\S+) processing_ms (p50|p99)$/.exec(key);
        if (m !== null) {
          const s = stages.get(m[1]!) ?? {};
          s[m[2] as 'p50' | 'p99'] = value;
          stages.set(m[1]!, s);
        }
        if (node.includes('safety_supervisor') && key === 'counter interventions') {
          this.interventions = Number(value);
          this.#safetyCount.textContent = value;
        }
      }
      for (const [stage, s] of stages) {
        const id = `lat-${node}-${stage}`.replace(/[^a-zA-Z0-9_-]/g, '_');
        let row = this.#latency.querySelector<HTMLTableRowElement>(`#${id}`);
        if (row === null) {
          row = document.createElement('tr');
          row.id = id;
          row.innerHTML = `<td>${node} · ${stage}</td><td></td><td></td>`;
          this.#latency.appendChild(row);
        }
        row.cells[1]!.textContent = s.p50 ?? '–';
        row.cells[2]!.textContent = s.p99 ?? '–';
      }
    }
  }
}

/** `safety/events`: the latest interventions, newest first, at most 30. */
export function appendSafetyEvent(list: HTMLElement, e: { reason: string; detail: string; scale: number; header: { stamp: { sec: number; nanosec: number } } }): void {
  const li = document.createElement('li');
  const t = e.header.stamp.sec + e.header.stamp.nanosec * 1e-9;
  li.textContent = `${t.toFixed(1)} s ${e.reason} (×${e.scale.toFixed(2)}) ${e.detail}`;
  list.prepend(li);
  while (list.childElementCount > 30) list.lastElementChild?.remove();
}

/** Camera image onto a 2D canvas, ImageData reused while the size stays the same. */
export class CameraPanel {
  readonly #canvas: HTMLCanvasElement;
  #image: ImageData | undefined;
  frames = 0;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
  }

  update(img: Image): void {
    const ctx = this.#canvas.getContext('2d');
    if (ctx === null) return;
    if (this.#image === undefined || this.#image.width !== img.width || this.#image.height !== img.height) {
      this.#canvas.width = img.width;
      this.#canvas.height = img.height;
      this.#image = ctx.createImageData(img.width, img.height);
    }
    const out = this.#image.data;
    const src = img.data;
    const channels = img.encoding === 'mono8' ? 1 : img.encoding === 'rgba8' || img.encoding === 'bgra8' ? 4 : 3;
    const bgr = img.encoding.startsWith('bgr');
    if (!['rgb8', 'bgr8', 'rgba8', 'bgra8', 'mono8'].includes(img.encoding)) return;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const s = y * img.step + x * channels;
        const o = 4 * (y * img.width + x);
        if (channels === 1) {
          out[o] = out[o + 1] = out[o + 2] = src[s]!;
        } else {
          out[o] = src[bgr ? s + 2 : s]!;
          out[o + 1] = src[s + 1]!;
          out[o + 2] = src[bgr ? s : s + 2]!;
        }
        out[o + 3] = 255;
      }
    }
    ctx.putImageData(this.#image, 0, 0);
    this.frames++;
  }
}
