<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MMCANet</name>
        <message>
            <location filename="../plugin/algorithm.py" line="60" />
            <source>Optical bands '{0}' are not a list of 1-based band numbers. Write them like '4,3,2' (red, green, blue of Sentinel-2 L1C) or leave the field empty to use the bands the weights were trained on.</source>
            <translation>光学波段“{0}”不是从 1 开始的波段编号列表。请写成“4,3,2”（Sentinel-2 L1C 的红、绿、蓝），或留空以使用权重训练时的波段。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="98" />
            <source>Removing clouds: {0}/{1} tiles</source>
            <translation>正在去云：{0}/{1} 个瓦片</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="137" />
            <location filename="../plugin/main.py" line="52" />
            <source>Remove clouds (SAR-optical)</source>
            <translation>去除云层（SAR-光学）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="140" />
            <source>Cloud removal</source>
            <translation>去云</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="153" />
            <source>&lt;p&gt;Restores a cloud-covered &lt;b&gt;Sentinel-2&lt;/b&gt; image with the help of a &lt;b&gt;Sentinel-1&lt;/b&gt; radar (SAR) image of the same place, using the MMCANet neural network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses it to fill in what the clouds hide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR raster&lt;/b&gt;: Sentinel-1 GRD with two bands, VV then VH, as backscatter in dB (as in SEN12MS-CR) or as linear power (converted automatically).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical raster&lt;/b&gt;: the cloudy Sentinel-2 Level-1C image as digital numbers (reflectance x 10000), usually all 13 bands B1..B12 in the standard order.&lt;/p&gt;&lt;p&gt;Both rasters must be &lt;b&gt;co-registered&lt;/b&gt; and cover the same place, ideally on the same pixel grid (clip both with the same extent first). A SAR raster on another grid is resampled onto the optical grid; optical pixels without SAR become nodata.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical bands&lt;/b&gt;: which bands of the optical raster the model restores, 1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. Leave empty to use the bands stored in the weights.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Weights&lt;/b&gt;: a MMCANet .safetensors file; the checkpoint shipped with the plugin is the default when there is one.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output&lt;/b&gt;: a GeoTIFF with the restored optical bands (same CRS, extent and size as the optical raster, same scale as its digital numbers).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device&lt;/b&gt;: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the CPU a large scene can take a long time; the image is processed in overlapping tiles (advanced parameters) and the run can be cancelled at any time.&lt;/p&gt;</source>
            <translation>&lt;p&gt;借助同一地点的 &lt;b&gt;Sentinel-1&lt;/b&gt; 雷达（SAR）影像，使用 MMCANet 神经网络（Zhou 等，IEEE TGRS 2025）恢复被云覆盖的 &lt;b&gt;Sentinel-2&lt;/b&gt; 影像。雷达可以穿透云层；网络利用它来补全被云遮挡的内容。&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR 栅格&lt;/b&gt;：Sentinel-1 GRD，两个波段，先 VV 后 VH，后向散射值为 dB（与 SEN12MS-CR 相同）或线性功率（自动转换）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学栅格&lt;/b&gt;：有云的 Sentinel-2 L1C 影像，数值为数字量化值（反射率 x 10000），通常按标准顺序包含全部 13 个波段 B1..B12。&lt;/p&gt;&lt;p&gt;两个栅格必须&lt;b&gt;配准&lt;/b&gt;并覆盖同一地点，最好位于同一像元网格上（先用同一范围裁剪两者）。位于其他网格上的 SAR 栅格会被重采样到光学网格上；没有 SAR 的光学像元将成为无数据值。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学波段&lt;/b&gt;：模型要恢复的光学栅格波段，从 1 开始编号，并按权重要求的顺序排列，例如 4,3,2 表示红、绿、蓝。留空则使用权重中保存的波段。&lt;/p&gt;&lt;p&gt;&lt;b&gt;权重&lt;/b&gt;：MMCANet 的 .safetensors 文件；如果插件自带检查点，则默认使用它。&lt;/p&gt;&lt;p&gt;&lt;b&gt;输出&lt;/b&gt;：包含恢复后光学波段的 GeoTIFF（坐标参考系、范围和尺寸与光学栅格相同，数值尺度与其数字量化值相同）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;设备&lt;/b&gt;：自动模式在 PyTorch 检测到 CUDA GPU 时使用 GPU，否则使用 CPU。在 CPU 上处理大场景可能耗时很长；影像按重叠分块处理（高级参数），运行可随时取消。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="176" />
            <source>&lt;p&gt;&lt;b&gt;The shipped weights are a demonstrator&lt;/b&gt;: a small network trained for less than an hour on a CPU on a handful of real Sentinel-1/-2 patches (SEN12MS-CR, BigEarthNet), RGB only. They show how the tool works; their results are not fit for analysis. &lt;a href="{0}"&gt;Train your own weights&lt;/a&gt; (what the demonstrator was trained on and how well it does: &lt;a href="{1}"&gt;model card&lt;/a&gt;).&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;随插件提供的权重只是演示版&lt;/b&gt;：一个小型网络，仅在 CPU 上用少量真实的 Sentinel-1/-2 影像块（SEN12MS-CR、BigEarthNet）训练了不到一小时，只含 RGB。它们用于展示工具如何工作，其结果不适合用于分析。&lt;a href="{0}"&gt;训练您自己的权重&lt;/a&gt;（演示版用什么数据训练、效果如何：&lt;a href="{1}"&gt;模型卡&lt;/a&gt;）。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="192" />
            <source>SAR raster (Sentinel-1, bands VV, VH)</source>
            <translation>SAR 栅格（Sentinel-1，波段 VV、VH）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="194" />
            <source>Cloudy optical raster (Sentinel-2 L1C)</source>
            <translation>有云光学栅格（Sentinel-2 L1C）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="196" />
            <source>Model weights (.safetensors)</source>
            <translation>模型权重（.safetensors）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="199" />
            <source>Optical bands, 1-based (empty: from the weights)</source>
            <translation>光学波段，从 1 开始（留空：取自权重）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="202" />
            <location filename="../plugin/dock.py" line="194" />
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="202" />
            <source>auto (CUDA if available)</source>
            <translation>自动（如可用则使用 CUDA）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="202" />
            <location filename="../plugin/dock.py" line="190" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="203" />
            <location filename="../plugin/dock.py" line="191" />
            <source>CUDA GPU</source>
            <translation>CUDA GPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="210" />
            <source>Tile size in pixels, a multiple of 16 (0: automatic)</source>
            <translation>分块大小（像元），16 的倍数（0：自动）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="213" />
            <source>Tile overlap in pixels (-1: automatic)</source>
            <translation>分块重叠（像元）（-1：自动）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="216" />
            <source>Tiles per batch</source>
            <translation>每批分块数</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="219" />
            <source>Half precision (CUDA only, faster, less memory)</source>
            <translation>半精度（仅限 CUDA，更快，占用内存更少）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="224" />
            <source>Cloud-free raster</source>
            <translation>无云栅格</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="234" />
            <source>Device used</source>
            <translation>所用设备</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="236" />
            <source>Optical bands restored (1-based, output order)</source>
            <translation>已恢复的光学波段（从 1 开始，按输出顺序）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="255" />
            <source>The SAR raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>SAR 栅格缺失或无法打开。请选择一个栅格图层或 GeoTIFF 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="257" />
            <source>The optical raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>光学栅格缺失或无法打开。请选择一个栅格图层或 GeoTIFF 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="263" />
            <source>The SAR raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>SAR 栅格“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="265" />
            <source>The optical raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>光学栅格“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="277" />
            <source>Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors) in the Weights parameter.</source>
            <translation>未找到模型权重“{0}”。请在“权重”参数中选择一个 MMCANet 权重文件（.safetensors）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="283" />
            <source>The output '{0}' must be a GeoTIFF (.tif).</source>
            <translation>输出“{0}”必须是 GeoTIFF（.tif）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="300" />
            <source>Starting PyTorch...</source>
            <translation>正在启动 PyTorch...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="310" />
            <source>Device '{0}' cannot be used: {1}</source>
            <translation>无法使用设备“{0}”：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="313" />
            <location filename="../plugin/dock.py" line="288" />
            <location filename="../plugin/dock.py" line="381" />
            <source>Device: {0}</source>
            <translation>设备：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="318" />
            <source>Loading the model weights...</source>
            <translation>正在加载模型权重...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="325" />
            <source>Reading the rasters...</source>
            <translation>正在读取栅格...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="346" />
            <source>Cloud removal failed: {0}: {1}</source>
            <translation>去云失败：{0}：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="352" />
            <location filename="../plugin/algorithm.py" line="342" />
            <location filename="../plugin/task.py" line="151" />
            <source>Cancelled; no output was written.</source>
            <translation>已取消；未写入任何输出。</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="39" />
            <source>&lt;b&gt;Demonstrator weights&lt;/b&gt;: a small network trained briefly on a CPU on a handful of public Sentinel-1/-2 patches (RGB only). Good for trying the tool, not for analysis: &lt;a href="{0}"&gt;train your own&lt;/a&gt;.</source>
            <translation>&lt;b&gt;演示版权重&lt;/b&gt;：一个小型网络，仅在 CPU 上用少量公开的 Sentinel-1/-2 影像块短时间训练（只含 RGB）。适合试用本工具，不适合分析：&lt;a href="{0}"&gt;训练您自己的权重&lt;/a&gt;。</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="52" />
            <source>These are the demonstrator weights shipped with the plugin: {parameters} M parameters, bands {bands}, trained for {minutes} minutes on a CPU on a few real patches of {data}. They show how the tool works; their results are not fit for analysis. Train your own weights: {training} (details: {card}).</source>
            <translation>这是随插件提供的演示版权重：{parameters} M 个参数，波段 {bands}，在 CPU 上用 {data} 的少量真实影像块训练了 {minutes} 分钟。它们用于展示工具如何工作，其结果不适合用于分析。训练您自己的权重：{training}（详情：{card}）。</translation>
        </message>
        <message>
            <location filename="../plugin/deps.py" line="252" />
            <source>MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's installer (menu Raster &gt; MMCANet cloud removal &gt; Install Python dependencies...), or run: {1}</source>
            <translation>MMCANet 需要此 QGIS 缺少的 Python 软件包：{0}。请使用插件的安装程序安装（菜单 栅格 &gt; MMCANet 去云 &gt; 安装 Python 依赖项...），或运行：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="80" />
            <location filename="../plugin/main.py" line="32" />
            <location filename="../plugin/main.py" line="63" />
            <location filename="../plugin/provider.py" line="19" />
            <location filename="../plugin/task.py" line="94" />
            <source>MMCANet cloud removal</source>
            <translation>MMCANet 去云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="106" />
            <source>Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of the same place.</source>
            <translation>利用同一地点已配准的 Sentinel-1 SAR 影像恢复有云的 Sentinel-2 影像。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="126" />
            <location filename="../plugin/main.py" line="58" />
            <source>Install Python dependencies...</source>
            <translation>安装 Python 依赖项...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="139" />
            <source>Inputs</source>
            <translation>输入</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="144" />
            <source>SAR (VV, VH)</source>
            <translation>SAR（VV、VH）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="145" />
            <source>Cloudy optical</source>
            <translation>有云光学影像</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="149" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="152" />
            <source>MMCANet weights (*.safetensors)</source>
            <translation>MMCANet 权重 (*.safetensors)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="153" />
            <source>Choose a .safetensors file</source>
            <translation>选择 .safetensors 文件</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="158" />
            <source>Weights</source>
            <translation>权重</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="165" />
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="169" />
            <source>GeoTIFF (*.tif)</source>
            <translation>GeoTIFF (*.tif)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="170" />
            <source>Empty: saved next to the optical raster, named after it.</source>
            <translation>留空：保存在光学栅格旁，并以其命名。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="173" />
            <source>Temporary file</source>
            <translation>临时文件</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="174" />
            <source>Deleted when QGIS closes</source>
            <translation>QGIS 关闭时删除</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="176" />
            <source>Save to</source>
            <translation>保存到</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="185" />
            <source>Advanced</source>
            <translation>高级</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="190" />
            <source>Auto (CUDA if available)</source>
            <translation>自动（如可用则使用 CUDA）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="199" />
            <source>Decloud</source>
            <translation>去云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="202" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="244" />
            <source>Next to the optical raster</source>
            <translation>保存在光学栅格旁</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="259" />
            <source>Missing Python packages: {0}. Install them with the button below (details in the MMCANet log tab).</source>
            <translation>缺少 Python 包：{0}。请用下方按钮安装（详情见日志中的 MMCANet 标签页）。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="262" />
            <source>Device: known once PyTorch is installed.</source>
            <translation>设备：安装 PyTorch 后可知。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="264" />
            <source>Ready. Choose the SAR and the cloudy optical layer, then press Decloud.</source>
            <translation>就绪。请选择 SAR 图层和有云光学图层，然后点击“去云”。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="279" />
            <source>Device: checking...</source>
            <translation>设备：正在检测...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="307" />
            <location filename="../plugin/dock.py" line="390" />
            <location filename="../plugin/installer.py" line="105" />
            <location filename="../plugin/installer.py" line="116" />
            <location filename="../plugin/installer.py" line="122" />
            <location filename="../plugin/installer.py" line="82" />
            <location filename="../plugin/main.py" line="70" />
            <source>MMCANet</source>
            <translation>MMCANet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="319" />
            <source>Choose both a SAR and an optical raster layer.</source>
            <translation>请同时选择 SAR 栅格图层和光学栅格图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="321" />
            <source>The SAR and the optical layer must be different layers.</source>
            <translation>SAR 图层和光学图层必须是不同的图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="324" />
            <source>Choose the model weights (.safetensors file).</source>
            <translation>请选择模型权重（.safetensors 文件）。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="331" />
            <source>No folder to save the result in: {0}. Choose a file under Save to.</source>
            <translation>没有可保存结果的文件夹：{0}。请在“保存到”中选择文件。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="346" />
            <source>{0} (cloud-free)</source>
            <translation>{0}（无云）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="356" />
            <source>Starting...</source>
            <translation>正在启动...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="364" />
            <source>Cancelling...</source>
            <translation>正在取消...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="378" />
            <source>{0} ({1} s)</source>
            <translation>{0}（{1} 秒）</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="25" />
            <source>The SAR raster covers {percent} of the optical scene; the rest will be nodata.</source>
            <translation>SAR 栅格覆盖光学场景的 {percent}；其余部分将为无数据。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="26" />
            <source>SAR values look like dB.</source>
            <translation>SAR 值看起来是 dB。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="28" />
            <source>SAR values look like linear power; they are converted to dB.</source>
            <translation>SAR 值看起来是线性功率；已转换为 dB。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="30" />
            <source>The SAR raster is on another grid: resampled bilinearly onto the optical grid.</source>
            <translation>SAR 栅格位于另一网格上：已双线性重采样到光学网格。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="33" />
            <source>{width} x {height} pixels, bands {bands}: {tiles} tile(s) of {tile} pixels (overlap {overlap}), {batch} per batch.</source>
            <translation>{width} x {height} 像素，波段 {bands}：{tiles} 个 {tile} 像素的瓦片（重叠 {overlap}），每批 {batch} 个。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="37" />
            <source>Network: {backend}, {precision}.</source>
            <translation>网络：{backend}，{precision}。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="38" />
            <source>Half precision: {what}.</source>
            <translation>半精度：{what}。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="40" />
            <source>torch.compile: compiled in {seconds} s.</source>
            <translation>torch.compile：编译用时 {seconds} 秒。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="41" />
            <source>Written in {seconds} s: {path}</source>
            <translation>用时 {seconds} 秒写入：{path}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="48" />
            <source>CUDA GPU found: {name}</source>
            <translation>找到 CUDA GPU：{name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="50" />
            <source>no CUDA GPU visible to PyTorch; using the CPU</source>
            <translation>PyTorch 未检测到 CUDA GPU；使用 CPU</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="51" />
            <source>CPU chosen</source>
            <translation>已选择 CPU</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="52" />
            <source>{device} chosen: {name}</source>
            <translation>已选择 {device}：{name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="53" />
            <source>Apple MPS chosen</source>
            <translation>已选择 Apple MPS</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="81" />
            <source>{device} ({reason})</source>
            <translation>{device}（{reason}）</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="20" />
            <source>Installing MMCANet's Python dependencies</source>
            <translation>正在安装 MMCANet 的 Python 依赖项</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="29" />
            <source>QGIS's own Python interpreter was not found, so pip cannot run from QGIS. Run the command shown in the MMCANet tab of the log in a terminal (the OSGeo4W Shell on Windows).</source>
            <translation>未找到 QGIS 自带的 Python 解释器，因此无法在 QGIS 中运行 pip。请在终端（Windows 上为 OSGeo4W Shell）中运行日志 MMCANet 标签页中显示的命令。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="64" />
            <source>pip failed (exit code {0}); see the MMCANet tab of the log.</source>
            <translation>pip 失败（退出码 {0}）；请查看日志中的 MMCANet 选项卡。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="83" />
            <source>All Python dependencies of MMCANet are installed.</source>
            <translation>MMCANet 的所有 Python 依赖项均已安装。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="86" />
            <source>MMCANet needs these Python packages, which this QGIS lacks: {0}.

Install them now into the plugin's own folder
{1}?

Packages QGIS ships (numpy, GDAL) are left untouched. The download can take several minutes (PyTorch is large).</source>
            <translation>MMCANet 需要此 QGIS 缺少的以下 Python 软件包：{0}。

现在将其安装到插件自己的文件夹
{1}？

QGIS 自带的软件包（numpy、GDAL）保持不变。下载可能需要几分钟（PyTorch 体积较大）。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="92" />
            <source>MMCANet dependencies</source>
            <translation>MMCANet 依赖项</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="105" />
            <source>Installing Python dependencies in the background...</source>
            <translation>正在后台安装 Python 依赖项...</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="113" />
            <source>still missing after the install: {0}</source>
            <translation>安装后仍缺少：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="116" />
            <source>Dependencies installed. The cloud removal is ready.</source>
            <translation>依赖项已安装。去云功能已就绪。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="120" />
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="122" />
            <source>Installing the dependencies failed: {0}</source>
            <translation>安装依赖项失败：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="55" />
            <source>Show or hide the MMCANet cloud-removal panel</source>
            <translation>显示或隐藏 MMCANet 去云面板</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="70" />
            <source>Missing Python packages: {0}. Open the MMCANet panel to install them.</source>
            <translation>缺少 Python 包：{0}。请打开 MMCANet 面板进行安装。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="71" />
            <source>Cloud-free</source>
            <translation>无云</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="91" />
            <source>The algorithm {0} is not registered.</source>
            <translation>算法 {0} 未注册。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="123" />
            <source>The output {0} could not be opened.</source>
            <translation>无法打开输出 {0}。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="132" />
            <source>Done: added layer '{0}' from a temporary file, which QGIS deletes when it closes (Export &gt; Save As... keeps it).</source>
            <translation>完成：已从临时文件添加图层“{0}”，QGIS 关闭时会删除该文件（导出 &gt; 另存为... 可保留）。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="136" />
            <source>Done: saved to {0} and added as layer '{1}' above its input.</source>
            <translation>完成：已保存到 {0}，并作为图层“{1}”添加在其输入图层之上。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="139" />
            <source>The input layer now shows bands {0} as the result does.</source>
            <translation>输入图层现在与结果一样显示波段 {0}。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="153" />
            <source>unknown error</source>
            <translation>未知错误</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="154" />
            <source>Cloud removal failed: {0}</source>
            <translation>去云失败：{0}</translation>
        </message>
    </context>
</TS>
