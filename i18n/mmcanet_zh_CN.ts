<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MMCANet</name>
        <message>
            <location filename="../plugin/algorithm.py" line="48" />
            <source>Optical bands '{0}' are not a list of 1-based band numbers. Write them like '4,3,2' (red, green, blue of Sentinel-2 L1C) or leave the field empty to use the bands the weights were trained on.</source>
            <translation>光学波段“{0}”不是从 1 开始的波段编号列表。请写成“4,3,2”（Sentinel-2 L1C 的红、绿、蓝），或留空以使用权重训练时的波段。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="76" />
            <location filename="../plugin/main.py" line="50" />
            <source>Remove clouds (SAR-optical)</source>
            <translation>去除云层（SAR-光学）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="79" />
            <source>Cloud removal</source>
            <translation>去云</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="92" />
            <source>&lt;p&gt;Restores a cloud-covered &lt;b&gt;Sentinel-2&lt;/b&gt; image with the help of a &lt;b&gt;Sentinel-1&lt;/b&gt; radar (SAR) image of the same place, using the MMCANet neural network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses it to fill in what the clouds hide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR raster&lt;/b&gt;: Sentinel-1 GRD with two bands, VV then VH, as backscatter in dB (as in SEN12MS-CR) or as linear power (converted automatically).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical raster&lt;/b&gt;: the cloudy Sentinel-2 Level-1C image as digital numbers (reflectance x 10000), usually all 13 bands B1..B12 in the standard order.&lt;/p&gt;&lt;p&gt;Both rasters must be &lt;b&gt;co-registered&lt;/b&gt; and cover the same place, ideally on the same pixel grid (clip both with the same extent first). A SAR raster on another grid is resampled onto the optical grid; optical pixels without SAR become nodata.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical bands&lt;/b&gt;: which bands of the optical raster the model restores, 1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. Leave empty to use the bands stored in the weights.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Weights&lt;/b&gt;: a MMCANet .safetensors file; the checkpoint shipped with the plugin is the default when there is one.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output&lt;/b&gt;: a GeoTIFF with the restored optical bands (same CRS, extent and size as the optical raster, same scale as its digital numbers).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device&lt;/b&gt;: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the CPU a large scene can take a long time; the image is processed in overlapping tiles (advanced parameters) and the run can be cancelled at any time.&lt;/p&gt;</source>
            <translation>&lt;p&gt;借助同一地点的 &lt;b&gt;Sentinel-1&lt;/b&gt; 雷达（SAR）影像，使用 MMCANet 神经网络（Zhou 等，IEEE TGRS 2025）恢复被云覆盖的 &lt;b&gt;Sentinel-2&lt;/b&gt; 影像。雷达可以穿透云层；网络利用它来补全被云遮挡的内容。&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR 栅格&lt;/b&gt;：Sentinel-1 GRD，两个波段，先 VV 后 VH，后向散射值为 dB（与 SEN12MS-CR 相同）或线性功率（自动转换）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学栅格&lt;/b&gt;：有云的 Sentinel-2 L1C 影像，数值为数字量化值（反射率 x 10000），通常按标准顺序包含全部 13 个波段 B1..B12。&lt;/p&gt;&lt;p&gt;两个栅格必须&lt;b&gt;配准&lt;/b&gt;并覆盖同一地点，最好位于同一像元网格上（先用同一范围裁剪两者）。位于其他网格上的 SAR 栅格会被重采样到光学网格上；没有 SAR 的光学像元将成为无数据值。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学波段&lt;/b&gt;：模型要恢复的光学栅格波段，从 1 开始编号，并按权重要求的顺序排列，例如 4,3,2 表示红、绿、蓝。留空则使用权重中保存的波段。&lt;/p&gt;&lt;p&gt;&lt;b&gt;权重&lt;/b&gt;：MMCANet 的 .safetensors 文件；如果插件自带检查点，则默认使用它。&lt;/p&gt;&lt;p&gt;&lt;b&gt;输出&lt;/b&gt;：包含恢复后光学波段的 GeoTIFF（坐标参考系、范围和尺寸与光学栅格相同，数值尺度与其数字量化值相同）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;设备&lt;/b&gt;：自动模式在 PyTorch 检测到 CUDA GPU 时使用 GPU，否则使用 CPU。在 CPU 上处理大场景可能耗时很长；影像按重叠分块处理（高级参数），运行可随时取消。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="122" />
            <source>SAR raster (Sentinel-1, bands VV, VH)</source>
            <translation>SAR 栅格（Sentinel-1，波段 VV、VH）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="124" />
            <source>Cloudy optical raster (Sentinel-2 L1C)</source>
            <translation>有云光学栅格（Sentinel-2 L1C）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="127" />
            <source>Model weights (.safetensors)</source>
            <translation>模型权重（.safetensors）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="130" />
            <source>Optical bands, 1-based (empty: from the weights)</source>
            <translation>光学波段，从 1 开始（留空：取自权重）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="133" />
            <location filename="../plugin/dock.py" line="84" />
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="133" />
            <source>auto (CUDA if available)</source>
            <translation>自动（如可用则使用 CUDA）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="133" />
            <location filename="../plugin/dock.py" line="76" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="134" />
            <location filename="../plugin/dock.py" line="77" />
            <source>CUDA GPU</source>
            <translation>CUDA GPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="137" />
            <source>Tile size in pixels, a multiple of 16 (0: automatic)</source>
            <translation>分块大小（像元），16 的倍数（0：自动）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="140" />
            <source>Tile overlap in pixels (-1: automatic)</source>
            <translation>分块重叠（像元）（-1：自动）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="143" />
            <source>Tiles per batch</source>
            <translation>每批分块数</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="146" />
            <source>Half precision (CUDA only, faster, less memory)</source>
            <translation>半精度（仅限 CUDA，更快，占用内存更少）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="153" />
            <source>Cloud-free raster</source>
            <translation>无云栅格</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="154" />
            <source>Device used</source>
            <translation>所用设备</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="161" />
            <source>The SAR raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>SAR 栅格缺失或无法打开。请选择一个栅格图层或 GeoTIFF 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="163" />
            <source>The optical raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>光学栅格缺失或无法打开。请选择一个栅格图层或 GeoTIFF 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="169" />
            <source>The SAR raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>SAR 栅格“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="171" />
            <source>The optical raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>光学栅格“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="182" />
            <source>Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors) in the Weights parameter.</source>
            <translation>未找到模型权重“{0}”。请在“权重”参数中选择一个 MMCANet 权重文件（.safetensors）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="194" />
            <source>The output '{0}' must be a GeoTIFF (.tif).</source>
            <translation>输出“{0}”必须是 GeoTIFF（.tif）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="206" />
            <source>Device '{0}' cannot be used: {1}</source>
            <translation>无法使用设备“{0}”：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="209" />
            <source>Running on {0}</source>
            <translation>运行于 {0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="230" />
            <source>Cloud removal failed: {0}: {1}</source>
            <translation>去云失败：{0}：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="236" />
            <location filename="../plugin/algorithm.py" line="224" />
            <location filename="../plugin/task.py" line="107" />
            <source>Cancelled; no output was written.</source>
            <translation>已取消；未写入任何输出。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="237" />
            <source>Restored raster written to {0}</source>
            <translation>恢复后的栅格已写入 {0}</translation>
        </message>
        <message>
            <location filename="../plugin/deps.py" line="252" />
            <source>MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's installer (menu Raster &gt; MMCANet cloud removal &gt; Install Python dependencies...), or run: {1}</source>
            <translation>MMCANet 需要此 QGIS 缺少的 Python 软件包：{0}。请使用插件的安装程序安装（菜单 栅格 &gt; MMCANet 去云 &gt; 安装 Python 依赖项...），或运行：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="38" />
            <location filename="../plugin/main.py" line="30" />
            <location filename="../plugin/provider.py" line="19" />
            <location filename="../plugin/task.py" line="67" />
            <source>MMCANet cloud removal</source>
            <translation>MMCANet 去云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="54" />
            <source>Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of the same place.</source>
            <translation>利用同一地点已配准的 Sentinel-1 SAR 影像恢复有云的 Sentinel-2 影像。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="59" />
            <source>Inputs</source>
            <translation>输入</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="64" />
            <source>SAR (VV, VH)</source>
            <translation>SAR（VV、VH）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="65" />
            <source>Cloudy optical</source>
            <translation>有云光学影像</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="68" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="72" />
            <source>MMCANet weights (*.safetensors)</source>
            <translation>MMCANet 权重 (*.safetensors)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="74" />
            <source>Choose a .safetensors file</source>
            <translation>选择 .safetensors 文件</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="76" />
            <source>Auto (CUDA if available)</source>
            <translation>自动（如可用则使用 CUDA）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="81" />
            <source>GeoTIFF (*.tif)</source>
            <translation>GeoTIFF (*.tif)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="82" />
            <source>[Save to temporary file]</source>
            <translation>[保存到临时文件]</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="83" />
            <source>Weights</source>
            <translation>权重</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="85" />
            <source>Output</source>
            <translation>输出</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="89" />
            <source>Decloud</source>
            <translation>去云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="92" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="112" />
            <location filename="../plugin/main.py" line="56" />
            <source>Install Python dependencies...</source>
            <translation>安装 Python 依赖项...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="136" />
            <source>Missing Python packages: {0}. Install them first.</source>
            <translation>缺少 Python 软件包：{0}。请先安装。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="139" />
            <source>Ready. Choose the SAR and the cloudy optical layer.</source>
            <translation>就绪。请选择 SAR 图层和有云的光学图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="144" />
            <source>Device: CUDA if PyTorch finds a GPU, else CPU.</source>
            <translation>设备：PyTorch 找到 GPU 时使用 CUDA，否则使用 CPU。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="145" />
            <source>Device: CPU (slow on large scenes).</source>
            <translation>设备：CPU（大场景较慢）。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="146" />
            <source>Device: CUDA GPU.</source>
            <translation>设备：CUDA GPU。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="163" />
            <location filename="../plugin/dock.py" line="219" />
            <location filename="../plugin/installer.py" line="105" />
            <location filename="../plugin/installer.py" line="116" />
            <location filename="../plugin/installer.py" line="122" />
            <location filename="../plugin/installer.py" line="82" />
            <location filename="../plugin/main.py" line="66" />
            <source>MMCANet</source>
            <translation>MMCANet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="171" />
            <source>Choose both a SAR and an optical raster layer.</source>
            <translation>请同时选择 SAR 栅格图层和光学栅格图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="173" />
            <source>The SAR and the optical layer must be different layers.</source>
            <translation>SAR 图层和光学图层必须是不同的图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="176" />
            <source>Choose the model weights (.safetensors file).</source>
            <translation>请选择模型权重（.safetensors 文件）。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="190" />
            <source>{0} (cloud-free)</source>
            <translation>{0}（无云）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="198" />
            <source>Removing clouds...</source>
            <translation>正在去云...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="205" />
            <source>Cancelling...</source>
            <translation>正在取消...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="212" />
            <source>Device: {0}</source>
            <translation>设备：{0}</translation>
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
            <location filename="../plugin/main.py" line="53" />
            <source>Show or hide the MMCANet cloud-removal panel</source>
            <translation>显示或隐藏 MMCANet 去云面板</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="50" />
            <source>Cloud-free</source>
            <translation>无云</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="64" />
            <source>The algorithm {0} is not registered.</source>
            <translation>算法 {0} 未注册。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="103" />
            <source>Done: added layer '{0}'.</source>
            <translation>完成：已添加图层“{0}”。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="105" />
            <source>The output {0} could not be opened.</source>
            <translation>无法打开输出 {0}。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="109" />
            <source>unknown error</source>
            <translation>未知错误</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="110" />
            <source>Cloud removal failed: {0}</source>
            <translation>去云失败：{0}</translation>
        </message>
    </context>
</TS>
