<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MMCANet</name>
        <message>
            <location filename="../plugin/algorithm.py" line="80" />
            <source>parallax: swir-cirrus, and only what is displaced between the near-infrared bands is cloud (default)</source>
            <translation>parallax：swir-cirrus，且只有在近红外波段之间发生位移的才算云（默认）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="82" />
            <source>swir-cirrus: cloud score with bright-ground and texture vetoes and a cirrus test</source>
            <translation>swir-cirrus：云评分，带亮地表与纹理否决及卷云检验</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="84" />
            <source>gee: the Google Earth Engine cloud score alone (flags bright roofs and sand)</source>
            <translation>gee：仅用 Google Earth Engine 云评分（会把明亮屋顶和沙地标为云）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="154" />
            <source>Reading the rasters...</source>
            <translation>正在读取栅格...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="157" />
            <source>Preparing the network for {0} tile(s)...</source>
            <translation>正在为 {0} 个图块准备网络...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="169" />
            <source>Removing clouds: {0}/{1} tiles</source>
            <translation>正在去云：{0}/{1} 个瓦片</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="245" />
            <location filename="../plugin/main.py" line="52" />
            <source>Remove clouds (SAR-optical)</source>
            <translation>去除云层（SAR-光学）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="248" />
            <source>Cloud removal</source>
            <translation>去云</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="261" />
            <source>&lt;p&gt;Restores a cloud-covered &lt;b&gt;Sentinel-2&lt;/b&gt; image with the help of a &lt;b&gt;Sentinel-1&lt;/b&gt; radar (SAR) image of the same place, using the MMCANet neural network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses it to fill in what the clouds hide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR raster&lt;/b&gt;: Sentinel-1 GRD with two bands, VV then VH, as backscatter in dB (as in SEN12MS-CR) or as linear power (converted automatically).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical raster&lt;/b&gt;: the cloudy Sentinel-2 Level-1C image as digital numbers (reflectance x 10000), usually all 13 bands B1..B12 in the standard order.&lt;/p&gt;&lt;p&gt;Both rasters must be &lt;b&gt;co-registered&lt;/b&gt; and cover the same place, ideally on the same pixel grid (clip both with the same extent first). A SAR raster on another grid is resampled onto the optical grid; optical pixels without SAR become nodata.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical bands&lt;/b&gt;: which bands of the optical raster the model restores, 1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. Leave empty to use the bands stored in the weights.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Weights&lt;/b&gt;: a MMCANet .safetensors file (PyTorch) or its .onnx export (onnxruntime, no PyTorch needed); the checkpoint shipped with the plugin is the default when there is one.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output&lt;/b&gt;: a GeoTIFF with every band of the optical raster, in its order (same CRS, extent and size as the optical raster, same scale as its digital numbers). The bands the weights restore (&lt;b&gt;Optical bands&lt;/b&gt;) are filled in cloudy pixels; the other bands keep their input values in cloudy pixels too.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device&lt;/b&gt;: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the CPU a large scene can take a long time; the image is processed in overlapping tiles (advanced parameters) and the run can be cancelled at any time.&lt;/p&gt;</source>
            <translation>&lt;p&gt;借助同一地点的 &lt;b&gt;Sentinel-1&lt;/b&gt; 雷达（SAR）影像，使用 MMCANet 神经网络（Zhou 等，IEEE TGRS 2025）恢复被云覆盖的 &lt;b&gt;Sentinel-2&lt;/b&gt; 影像。雷达可以穿透云层；网络利用它来补全被云遮挡的内容。&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR 栅格&lt;/b&gt;：Sentinel-1 GRD，两个波段，先 VV 后 VH，后向散射值为 dB（与 SEN12MS-CR 相同）或线性功率（自动转换）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学栅格&lt;/b&gt;：有云的 Sentinel-2 L1C 影像，数值为数字量化值（反射率 x 10000），通常按标准顺序包含全部 13 个波段 B1..B12。&lt;/p&gt;&lt;p&gt;两个栅格必须&lt;b&gt;配准&lt;/b&gt;并覆盖同一地点，最好位于同一像元网格上（先用同一范围裁剪两者）。位于其他网格上的 SAR 栅格会被重采样到光学网格上；没有 SAR 的光学像元将成为无数据值。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学波段&lt;/b&gt;：模型要恢复的光学栅格波段，从 1 开始编号，并按权重要求的顺序排列，例如 4,3,2 表示红、绿、蓝。留空则使用权重中保存的波段。&lt;/p&gt;&lt;p&gt;&lt;b&gt;权重&lt;/b&gt;：MMCANet 的 .safetensors 文件（PyTorch）或其导出的 .onnx 文件（onnxruntime，无需 PyTorch）；如果插件自带检查点，则默认使用它。&lt;/p&gt;&lt;p&gt;&lt;b&gt;输出&lt;/b&gt;：包含光学栅格每个波段（按其原顺序）的 GeoTIFF（坐标参考系、范围和尺寸与光学栅格相同，数值尺度与其数字量化值相同）。权重恢复的波段（&lt;b&gt;光学波段&lt;/b&gt;）在有云像素中被填充；其余波段在有云像素中也保留其输入值。&lt;/p&gt;&lt;p&gt;&lt;b&gt;设备&lt;/b&gt;：自动模式在 PyTorch 检测到 CUDA GPU 时使用 GPU，否则使用 CPU。在 CPU 上处理大场景可能耗时很长；影像按重叠分块处理（高级参数），运行可随时取消。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="287" />
            <source>&lt;p&gt;&lt;b&gt;Clouds&lt;/b&gt;: only cloudy pixels are restored. A cloud and shadow mask is computed from the optical bands, or taken from the &lt;b&gt;Cloud mask&lt;/b&gt; raster (any grid, resampled nearest; e.g. a Sentinel-2 L2A SCL layer, an Fmask or s2cloudless output, or a 0/1 layer). &lt;b&gt;Cloud mask values&lt;/b&gt; says which of its values mean cloud or shadow: binary (1), scl (3, 8, 9, 10), fmask (2, 4) or a list such as 3,8,9,10. Clear pixels keep their input values exactly; the network fills the clouds, feathered across the edge. &lt;b&gt;Raw network output&lt;/b&gt; (advanced) writes the network everywhere instead. &lt;b&gt;Cloud mask output&lt;/b&gt; also saves the mask (0 clear, 1 cloud, 2 shadow, 255 nodata); the cloud and shadow cover are outputs of the algorithm and are written to the log.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical scale&lt;/b&gt; (advanced): auto detects the optical values' scale; dn: digital numbers (reflectance x 10000); offset: digital numbers + 1000 (products of processing baseline 04.00 and later); reflectance: 0..1. The output keeps the input's scale.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Backend&lt;/b&gt; (advanced): auto runs .onnx weights on onnxruntime and .safetensors on PyTorch when it is installed (else the .onnx copy beside them on onnxruntime); torch or onnxruntime choose one.&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;云&lt;/b&gt;：只恢复有云的像元。云和云影掩膜由光学波段计算，或取自&lt;b&gt;云掩膜&lt;/b&gt;栅格（任意网格，按最近邻重采样；例如 Sentinel-2 L2A 的 SCL 图层、Fmask 或 s2cloudless 的输出，或 0/1 图层）。&lt;b&gt;云掩膜取值&lt;/b&gt;指明其中哪些值表示云或云影：binary（1）、scl（3, 8, 9, 10）、fmask（2, 4）或列表，如 3,8,9,10。晴空像元完全保留输入值；网络填补云区，并在边缘处羽化过渡。&lt;b&gt;网络原始输出&lt;/b&gt;（高级）则在所有位置写入网络结果。&lt;b&gt;云掩膜输出&lt;/b&gt;另外保存掩膜（0 晴空，1 云，2 云影，255 无数据）；云和云影覆盖率是算法的输出，并写入日志。&lt;/p&gt;&lt;p&gt;&lt;b&gt;光学数值尺度&lt;/b&gt;（高级）：auto 自动检测光学数值的尺度；dn：数字量化值（反射率 x 10000）；offset：数字量化值 + 1000（处理基线 04.00 及以后的产品）；reflectance：0..1。输出保持输入的尺度。&lt;/p&gt;&lt;p&gt;&lt;b&gt;后端&lt;/b&gt;（高级）：auto 用 onnxruntime 运行 .onnx 权重，已安装 PyTorch 时用 PyTorch 运行 .safetensors（否则用 onnxruntime 运行其旁边的 .onnx 副本）；torch 或 onnxruntime 则固定使用其一。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="305" />
            <source>&lt;p&gt;&lt;b&gt;Automatic cloud mask method&lt;/b&gt; (advanced): parallax (the default) calls cloud only what is displaced between the near-infrared bands B8 and B8A, as clouds above the ground are, so that greenhouses, roofs and quarries stay clear; swir-cirrus keeps bright ground such as sand and bare soil clear and finds thin cirrus haze (both do); gee is the published Google Earth Engine cloud score alone, which also calls bright ground cloud. Not used with a &lt;b&gt;Cloud mask&lt;/b&gt; raster.&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;自动云掩膜方法&lt;/b&gt;（高级）：parallax（默认）只把在近红外波段 B8 与 B8A 之间发生位移的像元判为云（高于地面的云会如此），因此温室、屋顶和采石场保持为晴空；swir-cirrus 将沙地和裸土等明亮地表保持为晴空并能发现薄卷云雾霾（两者都如此）；gee 仅为已发布的 Google Earth Engine 云评分，也会把明亮地表判为云。使用&lt;b&gt;云掩膜&lt;/b&gt;栅格时不使用。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="313" />
            <source>&lt;p&gt;&lt;b&gt;Other dates&lt;/b&gt;: optional optical rasters of the same place on other days (same bands, any grid). Where the image is cloudy, the first of them that is clear there fills it, matched to this date's colours (a linear fit per band, local and robust, on the pixels clear in both), nearest date first when the dates are in the file names or metadata, else in the order given; the network fills only what no other date shows. &lt;b&gt;Source output&lt;/b&gt; saves where each pixel came from (0 input, N other date N, 254 network, 255 nodata).&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;其他日期&lt;/b&gt;：同一地点其他日期的可选光学栅格（波段相同，网格任意）。在影像有云的位置，由其中第一个在该处无云的影像填补，并匹配到本日期的色调（逐波段线性拟合，局部且稳健，基于两者均无云的像元）；若文件名或元数据中有日期，则日期最近者优先，否则按给定顺序；只有其他日期都看不到的地方才由网络填补。&lt;b&gt;来源输出&lt;/b&gt;保存每个像元的来源（0 输入，N 第 N 个其他日期，254 网络，255 无数据）。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="321" />
            <source>&lt;p&gt;&lt;b&gt;Bands&lt;/b&gt;: the output has every band of the optical raster, in its order; bands the weights do not restore (e.g. NIR and SWIR with RGB weights) keep their input values. &lt;b&gt;Uncertainty output&lt;/b&gt; (weights with an uncertainty head): the expected absolute error of each restored pixel in reflectance (low = confident), 0 where the input is kept.&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;波段&lt;/b&gt;：输出按原顺序包含光学栅格的每个波段；权重不恢复的波段（例如 RGB 权重下的近红外和短波红外）保留其输入值。&lt;b&gt;不确定性输出&lt;/b&gt;（带不确定性头的权重）：每个恢复像素的预期绝对误差，以反射率表示（越低越可信），保留输入的像素为 0。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="327" />
            <source>&lt;p&gt;&lt;b&gt;The shipped weights are a demonstrator&lt;/b&gt;: a small network trained for less than an hour on a handful of real Sentinel-1/-2 patches (SEN12MS-CR, BigEarthNet). They show how the tool works; their results are not fit for analysis. &lt;a href="{0}"&gt;Train your own weights&lt;/a&gt; (what the demonstrator was trained on and how well it does: &lt;a href="{1}"&gt;model card&lt;/a&gt;).&lt;/p&gt;</source>
            <translation>&lt;p&gt;&lt;b&gt;随插件提供的权重只是演示版&lt;/b&gt;：一个小型网络，仅用少量真实的 Sentinel-1/-2 影像块（SEN12MS-CR、BigEarthNet）训练了不到一小时。它们用于展示工具如何工作，其结果不适合用于分析。&lt;a href="{0}"&gt;训练您自己的权重&lt;/a&gt;（演示版用什么数据训练、效果如何：&lt;a href="{1}"&gt;模型卡&lt;/a&gt;）。&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="343" />
            <source>SAR raster (Sentinel-1, bands VV, VH)</source>
            <translation>SAR 栅格（Sentinel-1，波段 VV、VH）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="345" />
            <source>Cloudy optical raster (Sentinel-2 L1C)</source>
            <translation>有云光学栅格（Sentinel-2 L1C）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="347" />
            <source>Model weights (.safetensors or .onnx)</source>
            <translation>模型权重（.safetensors 或 .onnx）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="351" />
            <source>Optical bands, 1-based (empty: from the weights)</source>
            <translation>光学波段，从 1 开始（留空：取自权重）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="354" />
            <location filename="../plugin/dock.py" line="288" />
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="354" />
            <source>auto (CUDA if available)</source>
            <translation>自动（如可用则使用 CUDA）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="354" />
            <location filename="../plugin/dock.py" line="284" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="355" />
            <location filename="../plugin/dock.py" line="285" />
            <source>CUDA GPU</source>
            <translation>CUDA GPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="357" />
            <source>Cloud mask (optional; empty: computed from the optical bands)</source>
            <translation>云掩膜（可选；留空：由光学波段计算）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="360" />
            <source>Cloud mask values: binary, scl, fmask or a list such as 3,8,9,10</source>
            <translation>云掩膜取值：binary、scl、fmask 或列表，如 3,8,9,10</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="363" />
            <source>Other dates of the same place (optional; clouds are filled from them first)</source>
            <translation>同一地点的其他日期（可选；优先用它们填补云）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="372" />
            <source>Tile size in pixels, a multiple of 16 (0: automatic)</source>
            <translation>分块大小（像元），16 的倍数（0：自动）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="375" />
            <source>Tile overlap in pixels (-1: automatic)</source>
            <translation>分块重叠（像元）（-1：自动）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="378" />
            <source>Tiles per batch</source>
            <translation>每批分块数</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="381" />
            <source>Half precision (CUDA only, faster, less memory)</source>
            <translation>半精度（仅限 CUDA，更快，占用内存更少）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="384" />
            <source>Raw network output (rewrite every pixel, also clear ones)</source>
            <translation>网络原始输出（重写每个像元，包括晴空像元）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="387" />
            <source>Optical value scale</source>
            <translation>光学数值尺度</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="388" />
            <source>auto (detect from the values)</source>
            <translation>auto（根据数值自动检测）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="389" />
            <source>dn: digital numbers, reflectance x 10000</source>
            <translation>dn：数字量化值，反射率 x 10000</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="390" />
            <source>offset: digital numbers + 1000 (baseline 04.00 and later)</source>
            <translation>offset：数字量化值 + 1000（基线 04.00 及以后）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="391" />
            <source>reflectance: 0..1</source>
            <translation>reflectance：0..1</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="393" />
            <location filename="../plugin/dock.py" line="293" />
            <source>Backend</source>
            <translation>后端</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="394" />
            <source>auto (.onnx: onnxruntime; else PyTorch when installed)</source>
            <translation>auto（.onnx：onnxruntime；否则在已安装时使用 PyTorch）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="395" />
            <location filename="../plugin/dock.py" line="291" />
            <source>PyTorch</source>
            <translation>PyTorch</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="395" />
            <location filename="../plugin/dock.py" line="291" />
            <source>onnxruntime</source>
            <translation>onnxruntime</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="397" />
            <source>Automatic cloud mask method (not used with a cloud mask)</source>
            <translation>自动云掩膜方法（使用云掩膜时不使用）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="403" />
            <source>Cloud-free raster</source>
            <translation>无云栅格</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="405" />
            <source>Cloud mask output (0 clear, 1 cloud, 2 shadow)</source>
            <translation>云掩膜输出（0 晴空，1 云，2 云影）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="408" />
            <source>Source output (0 input, N other date N, 254 network)</source>
            <translation>来源输出（0 输入，N 第 N 个其他日期，254 网络）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="412" />
            <source>Uncertainty output (expected error; 0 where the input is kept)</source>
            <translation>不确定性输出（预期误差；保留输入处为 0）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="424" />
            <source>Device used</source>
            <translation>所用设备</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="426" />
            <source>Optical bands restored (1-based, output order)</source>
            <translation>已恢复的光学波段（从 1 开始，按输出顺序）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="428" />
            <source>Cloud cover (% of valid pixels)</source>
            <translation>云覆盖率（有效像元的 %）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="430" />
            <source>Cloud shadow cover (% of valid pixels)</source>
            <translation>云影覆盖率（有效像元的 %）</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="459" />
            <source>Model weights '{0}' is a folder, not a weights file. Choose the .safetensors or .onnx file inside it.</source>
            <translation>模型权重“{0}”是一个文件夹，而不是权重文件。请选择其中的 .safetensors 或 .onnx 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="471" />
            <source>{0} '{1}' is not an option; use its number: {2}.</source>
            <translation>{0}“{1}”不是可选项；请使用其编号：{2}。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="481" />
            <source>The SAR raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>SAR 栅格缺失或无法打开。请选择一个栅格图层或 GeoTIFF 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="483" />
            <source>The optical raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>光学栅格缺失或无法打开。请选择一个栅格图层或 GeoTIFF 文件。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="485" />
            <source>The cloud mask cannot be opened. Choose a raster layer or a GeoTIFF file, or leave it empty.</source>
            <translation>无法打开云掩膜。请选择栅格图层或 GeoTIFF 文件，或将其留空。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="491" />
            <source>The SAR raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>SAR 栅格“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="493" />
            <source>The optical raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>光学栅格“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="495" />
            <source>The cloud mask '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>云掩膜“{0}”不是磁盘上的栅格文件。请先将其另存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="506" />
            <source>Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors or .onnx) in the Weights parameter.</source>
            <translation>未找到模型权重“{0}”。请在“权重”参数中选择 MMCANet 权重文件（.safetensors 或 .onnx）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="517" />
            <source>The other date '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>其他日期“{0}”不是磁盘上的栅格文件。请先将其保存为 GeoTIFF（导出 &gt; 另存为...）。</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="603" />
            <source>Starting the cloud removal...</source>
            <translation>正在启动去云...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="609" />
            <source>Loading the model weights...</source>
            <translation>正在加载模型权重...</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="615" />
            <location filename="../plugin/dock.py" line="441" />
            <location filename="../plugin/dock.py" line="580" />
            <source>Device: {0}</source>
            <translation>设备：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="636" />
            <source>Cloud removal failed: {0}: {1}</source>
            <translation>去云失败：{0}：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="644" />
            <location filename="../plugin/algorithm.py" line="632" />
            <location filename="../plugin/task.py" line="199" />
            <source>Cancelled; no output was written.</source>
            <translation>已取消；未写入任何输出。</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="81" />
            <source>&lt;b&gt;Demonstrator weights&lt;/b&gt;: a small network trained briefly on a handful of public Sentinel-1/-2 patches. Good for trying the tool, not for analysis: &lt;a href="{0}"&gt;train your own&lt;/a&gt;.</source>
            <translation>&lt;b&gt;演示版权重&lt;/b&gt;：一个小型网络，仅用少量公开的 Sentinel-1/-2 影像块短时间训练。适合试用本工具，不适合分析：&lt;a href="{0}"&gt;训练您自己的权重&lt;/a&gt;。</translation>
        </message>
        <message>
            <location filename="../plugin/demonstrator.py" line="94" />
            <source>These are the demonstrator weights shipped with the plugin: {parameters} M parameters, bands {bands}, trained for {minutes} minutes on a few real patches of {data}. They show how the tool works; their results are not fit for analysis. Train your own weights: {training} (details: {card}).</source>
            <translation>这是随插件提供的演示版权重：{parameters} M 个参数，波段 {bands}，用 {data} 的少量真实影像块训练了 {minutes} 分钟。它们用于展示工具如何工作，其结果不适合用于分析。训练您自己的权重：{training}（详情：{card}）。</translation>
        </message>
        <message>
            <location filename="../plugin/deps.py" line="312" />
            <source>MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's installer (menu Raster &gt; MMCANet cloud removal &gt; Install Python dependencies...), or run: {1}</source>
            <translation>MMCANet 需要此 QGIS 缺少的 Python 软件包：{0}。请使用插件的安装程序安装（菜单 栅格 &gt; MMCANet 去云 &gt; 安装 Python 依赖项...），或运行：{1}</translation>
        </message>
        <message>
            <location filename="../plugin/device.py" line="35" />
            <source>{0} (onnxruntime)</source>
            <translation>{0}（onnxruntime）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="104" />
            <location filename="../plugin/main.py" line="32" />
            <location filename="../plugin/main.py" line="64" />
            <location filename="../plugin/provider.py" line="50" />
            <location filename="../plugin/task.py" line="107" />
            <source>MMCANet cloud removal</source>
            <translation>MMCANet 去云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="136" />
            <source>Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of the same place.</source>
            <translation>利用同一地点已配准的 Sentinel-1 SAR 影像恢复有云的 Sentinel-2 影像。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="174" />
            <location filename="../plugin/main.py" line="58" />
            <source>Install Python dependencies...</source>
            <translation>安装 Python 依赖项...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="187" />
            <source>Inputs</source>
            <translation>输入</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="195" />
            <source>SAR (VV, VH)</source>
            <translation>SAR（VV、VH）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="196" />
            <source>Cloudy optical</source>
            <translation>有云光学影像</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="200" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="205" />
            <source>Choose a .safetensors or .onnx file</source>
            <translation>选择 .safetensors 或 .onnx 文件</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="210" />
            <source>Weights</source>
            <translation>权重</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="219" />
            <source>Clouds</source>
            <translation>云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="222" />
            <source>Empty: computed from the optical bands</source>
            <translation>留空：由光学波段计算</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="226" />
            <source>Values of the mask that mean cloud or shadow: binary (1), scl (Sentinel-2 L2A scene classification: 3, 8, 9, 10), fmask (2, 4), or a list such as 3,8,9,10</source>
            <translation>掩膜中表示云或云影的值：binary（1）、scl（Sentinel-2 L2A 场景分类：3, 8, 9, 10）、fmask（2, 4），或列表，如 3,8,9,10</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="230" />
            <source>Network output everywhere</source>
            <translation>全部使用网络输出</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="231" />
            <source>Off: clear pixels keep their input values and only clouds and their shadows are filled</source>
            <translation>关闭：晴空像元保留输入值，只填补云及其阴影</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="233" />
            <source>Save the cloud mask</source>
            <translation>保存云掩膜</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="234" />
            <source>Written next to the result and added to the map</source>
            <translation>保存在结果旁边并添加到地图</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="235" />
            <source>Cloud mask</source>
            <translation>云掩膜</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="236" />
            <source>Mask values</source>
            <translation>掩膜取值</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="238" />
            <source>Other dates</source>
            <translation>其他日期</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="253" />
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="257" />
            <source>GeoTIFF (*.tif)</source>
            <translation>GeoTIFF (*.tif)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="258" />
            <source>Empty: saved next to the optical raster, named after it.</source>
            <translation>留空：保存在光学栅格旁，并以其命名。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="261" />
            <source>Bands: every band of the optical raster comes back; the bands the weights do not restore keep their input values in cloudy pixels.</source>
            <translation>波段：光学栅格的每个波段都会输出；权重不恢复的波段在有云像素中保留其输入值。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="265" />
            <source>Temporary file</source>
            <translation>临时文件</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="266" />
            <source>Deleted when QGIS closes</source>
            <translation>QGIS 关闭时删除</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="268" />
            <source>Save to</source>
            <translation>保存到</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="278" />
            <source>Advanced</source>
            <translation>高级</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="284" />
            <source>Auto (CUDA if available)</source>
            <translation>自动（如可用则使用 CUDA）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="290" />
            <source>Auto (PyTorch if installed, else onnxruntime)</source>
            <translation>自动（已安装 PyTorch 时使用它，否则使用 onnxruntime）</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="297" />
            <source>How the automatic cloud mask is computed; not used when a cloud mask layer is chosen</source>
            <translation>自动云掩膜的计算方式；选择了云掩膜图层时不使用</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="299" />
            <source>Cloud mask method</source>
            <translation>云掩膜方法</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="304" />
            <source>Decloud</source>
            <translation>去云</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="307" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="385" />
            <source>Next to the optical raster</source>
            <translation>保存在光学栅格旁</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="400" />
            <source>Missing Python packages: {0}. Install them with the button below (details in the MMCANet log tab).</source>
            <translation>缺少 Python 包：{0}。请用下方按钮安装（详情见日志中的 MMCANet 标签页）。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="403" />
            <source>Device: known once the packages are installed.</source>
            <translation>设备：安装软件包后可知。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="410" />
            <source>Ready. Choose the SAR and the cloudy optical layer, then press Decloud.</source>
            <translation>就绪。请选择 SAR 图层和有云光学图层，然后点击“去云”。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="423" />
            <source>Device: checking...</source>
            <translation>设备：正在检测...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="468" />
            <location filename="../plugin/dock.py" line="590" />
            <location filename="../plugin/installer.py" line="129" />
            <location filename="../plugin/installer.py" line="140" />
            <location filename="../plugin/installer.py" line="146" />
            <location filename="../plugin/installer.py" line="82" />
            <location filename="../plugin/main.py" line="71" />
            <source>MMCANet</source>
            <translation>MMCANet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="510" />
            <source>Choose both a SAR and an optical raster layer.</source>
            <translation>请同时选择 SAR 栅格图层和光学栅格图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="512" />
            <source>The SAR and the optical layer must be different layers.</source>
            <translation>SAR 图层和光学图层必须是不同的图层。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="515" />
            <source>Choose the model weights (.safetensors or .onnx file).</source>
            <translation>请选择模型权重（.safetensors 或 .onnx 文件）。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="522" />
            <source>No folder to save the result in: {0}. Choose a file under Save to.</source>
            <translation>没有可保存结果的文件夹：{0}。请在“保存到”中选择文件。</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="548" />
            <source>Starting...</source>
            <translation>正在启动...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="556" />
            <source>Cancelling...</source>
            <translation>正在取消...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="577" />
            <source>{0} ({1} s)</source>
            <translation>{0}（{1} 秒）</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="26" />
            <source>Warning: {message}</source>
            <translation>警告：{message}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="29" />
            <source>Optical values: digital numbers (reflectance x 10000).</source>
            <translation>光学数值：数字量化值（反射率 x 10000）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="30" />
            <source>Optical values: digital numbers with the processing-baseline offset, which is subtracted.</source>
            <translation>光学数值：带处理基线偏移量的数字量化值，偏移量将被减去。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="32" />
            <source>Optical values: reflectance 0..1, scaled by 10000.</source>
            <translation>光学数值：反射率 0..1，乘以 10000。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="33" />
            <source>Removed {path}, left by a run that was killed.</source>
            <translation>已删除 {path}，它是被终止的运行遗留的。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="34" />
            <source>The SAR raster covers {percent:.0f} % of the optical scene; the rest will be nodata.</source>
            <translation>SAR 栅格覆盖光学场景的 {percent:.0f} %；其余部分将为无数据。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="36" />
            <source>The SAR raster covers {percent:.0f} % of the optical scene; outside it, clear pixels are kept, and so are cloud and shadow pixels (no SAR to restore them: they stay cloudy).</source>
            <translation>SAR 栅格覆盖光学场景的 {percent:.0f} %；在其之外，晴空像素保持不变，云和阴影像素也保持不变（没有 SAR 无法恢复它们：它们仍为多云）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="40" />
            <source>Optical bands {bands} used as {names} (from the band descriptions).</source>
            <translation>光学波段 {bands} 用作 {names}（依据波段描述）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="41" />
            <source>SAR values look like dB.</source>
            <translation>SAR 值看起来是 dB。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="42" />
            <source>SAR values look like linear power; they are converted to dB.</source>
            <translation>SAR 值看起来是线性功率；已转换为 dB。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="44" />
            <source>The SAR raster is on another grid: resampled bilinearly onto the optical grid.</source>
            <translation>SAR 栅格位于另一网格上：已双线性重采样到光学网格。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="46" />
            <source>Memory: about {needed_mib:.0f} MiB per batch of {batch}; {available_gib:.1f} GiB free ({where}).</source>
            <translation>内存：每批 {batch} 个约需 {needed_mib:.0f} MiB；可用 {available_gib:.1f} GiB（{where}）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="48" />
            <source>Memory: the scene's strips ({width} pixels wide, {panels} column panel(s)) need about {needed_mib:.0f} MiB of RAM besides the network.</source>
            <translation>内存：场景条带（宽 {width} 像素，{panels} 个列分块）除网络外约需 {needed_mib:.0f} MiB 内存。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="51" />
            <source>Memory not estimated: the network does not trace on the meta device ({reason}).</source>
            <translation>未估算内存：网络无法在 meta 设备上追踪（{reason}）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="53" />
            <source>The output has all {count} bands of the input: the network restores bands {restored}; bands {kept} keep their input values (these weights do not restore them).</source>
            <translation>输出包含输入的全部 {count} 个波段：网络恢复波段 {restored}；波段 {kept} 保留其输入值（这些权重不恢复它们）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="56" />
            <source>{width} x {height} pixels, bands {bands}: {tiles} tile(s) of {tile} pixels (overlap {overlap}), {batch} per batch.</source>
            <translation>{width} x {height} 像素，波段 {bands}：{tiles} 个 {tile} 像素的瓦片（重叠 {overlap}），每批 {batch} 个。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="58" />
            <source>Network: {description}.</source>
            <translation>网络：{description}。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="59" />
            <source>torch.compile: compiled in {seconds:.1f} s.</source>
            <translation>torch.compile：编译用时 {seconds:.1f} 秒。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="60" />
            <source>Written in {seconds:.1f} s: {paths}</source>
            <translation>用时 {seconds:.1f} 秒写入：{paths}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="61" />
            <source>Raw network output: the cloud mask {path} is not used.</source>
            <translation>网络原始输出：未使用云掩膜 {path}。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="62" />
            <source>Cloud mask {path}: values {values} mean cloud or shadow; it covers {percent:.0f} % of the optical scene (outside counts as clear).</source>
            <translation>云掩膜 {path}：取值 {values} 表示云或云影；它覆盖光学场景的 {percent:.0f} %（范围之外视为晴空）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="64" />
            <source>Raw network output everywhere; the cloud mask is written, not applied.</source>
            <translation>所有位置均为网络原始输出；云掩膜只写出，不应用。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="66" />
            <source>Clear pixels keep their input values; clouds are filled by the network (mask widened by {dilate} px, feathered over {feather} px).</source>
            <translation>晴空像元保留输入值；云区由网络填补（掩膜外扩 {dilate} 像元，羽化 {feather} 像元）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="68" />
            <source>Automatic cloud mask from red, green, blue (bands {bands}): clouds only, no shadow or snow test.</source>
            <translation>由红、绿、蓝波段（波段 {bands}）自动计算云掩膜：仅检测云，不检测云影和积雪。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="70" />
            <source>Automatic cloud and shadow mask from the L1C bands (method {method}).</source>
            <translation>由 L1C 波段计算的自动云和云影掩膜（方法 {method}）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="72" />
            <source>Automatic cloud mask from the L1C bands, method {method} (shadows left as they are).</source>
            <translation>由 L1C 波段计算的自动云掩膜，方法 {method}（云影保持不变）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="74" />
            <source>The network ran on {ran} of {total} tiles (the others are clear or nodata).</source>
            <translation>网络处理了 {total} 个分块中的 {ran} 个（其余为晴空或无数据）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="76" />
            <source>Cloud cover: {cloud:.1f} %, cloud shadow: {shadow:.1f} % of the valid pixels.</source>
            <translation>云覆盖率：有效像元的 {cloud:.1f} %，云影：{shadow:.1f} %。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="78" />
            <source>Cloud cover: {cloud:.1f} % of the valid pixels.</source>
            <translation>云覆盖率：有效像元的 {cloud:.1f} %。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="80" />
            <source>{count} other date(s), tried nearest date first: {order}.</source>
            <translation>{count} 个其他日期，日期最近者优先：{order}。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="81" />
            <source>{count} other date(s), tried in the order given (a date is not in the file name or metadata): {order}.</source>
            <translation>{count} 个其他日期，按给定顺序（有日期不在文件名或元数据中）：{order}。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="83" />
            <source>Other date {path}: matched to this date on {pixels} pixels clear in both ({own} of {blocks} blocks fitted locally).</source>
            <translation>其他日期 {path}：基于两者均无云的 {pixels} 个像元匹配到本日期（{blocks} 个块中 {own} 个局部拟合）。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="85" />
            <source>Other date {path}: too few pixels clear in both dates; not used.</source>
            <translation>其他日期 {path}：两个日期均无云的像元太少；未使用。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="87" />
            <source>Sources of the valid pixels: input {input:.1f} %, {references}, network {network:.1f} %.</source>
            <translation>有效像元来源：输入 {input:.1f} %，{references}，网络 {network:.1f} %。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="89" />
            <source>Cloud cover (from the cloud mask): {cloud:.1f} % of the valid pixels.</source>
            <translation>云覆盖率（依据云掩膜）：有效像元的 {cloud:.1f} %。</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="119" />
            <source>CUDA GPU found: {name}</source>
            <translation>找到 CUDA GPU：{name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="121" />
            <source>no CUDA GPU visible to PyTorch; using the CPU</source>
            <translation>PyTorch 未检测到 CUDA GPU；使用 CPU</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="122" />
            <source>CPU chosen</source>
            <translation>已选择 CPU</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="123" />
            <source>{device} chosen: {name}</source>
            <translation>已选择 {device}：{name}</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="124" />
            <source>Apple MPS chosen</source>
            <translation>已选择 Apple MPS</translation>
        </message>
        <message>
            <location filename="../plugin/engine_text.py" line="146" />
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
            <location filename="../plugin/installer.py" line="85" />
            <source>MMCANet dependencies</source>
            <translation>MMCANet 依赖项</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="102" />
            <source>Light: onnxruntime (about {0:.0f} MB)</source>
            <translation>轻量：onnxruntime（约 {0:.0f} MB）</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="103" />
            <source>Full: PyTorch (about {0:.0f} MB)</source>
            <translation>完整：PyTorch（约 {0:.0f} MB）</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="108" />
            <source>Which Python packages should MMCANet install into its own folder
{0}?</source>
            <translation>MMCANet 应将哪些 Python 软件包安装到其专用文件夹
{0}？</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="111" />
            <source>Light (recommended for cloud removal): onnxruntime runs the shipped .onnx model or any exported one; no PyTorch. Installs: {0}.</source>
            <translation>轻量（推荐用于去云）：onnxruntime 运行自带的 .onnx 模型或任何导出的模型；无需 PyTorch。安装：{0}。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="115" />
            <source>Full: PyTorch, for .safetensors weights, training and CUDA GPUs through PyTorch. Installs: {0}.</source>
            <translation>完整：PyTorch，用于 .safetensors 权重、训练以及通过 PyTorch 使用 CUDA GPU。安装：{0}。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="118" />
            <source>Packages QGIS ships (numpy, GDAL) are left untouched. Sizes are downloads measured on Linux; other systems differ.</source>
            <translation>QGIS 自带的软件包（numpy、GDAL）保持不变。大小为在 Linux 上测得的下载量；其他系统会有所不同。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="129" />
            <source>Installing Python dependencies in the background...</source>
            <translation>正在后台安装 Python 依赖项...</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="137" />
            <source>still missing after the install: {0}</source>
            <translation>安装后仍缺少：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="140" />
            <source>Dependencies installed. The cloud removal is ready.</source>
            <translation>依赖项已安装。去云功能已就绪。</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="144" />
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="146" />
            <source>Installing the dependencies failed: {0}</source>
            <translation>安装依赖项失败：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="55" />
            <source>Show or hide the MMCANet cloud-removal panel</source>
            <translation>显示或隐藏 MMCANet 去云面板</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="71" />
            <source>Missing Python packages: {0}. Open the MMCANet panel to install them.</source>
            <translation>缺少 Python 包：{0}。请打开 MMCANet 面板进行安装。</translation>
        </message>
        <message>
            <location filename="../plugin/references.py" line="18" />
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <location filename="../plugin/references.py" line="19" />
            <source>Optical rasters of the same place on other days (same bands). Clouds are filled from the first one clear there, matched to this date's colours, nearest date first; the network fills the rest</source>
            <translation>同一地点其他日期的光学栅格（波段相同）。云由该处第一个无云的影像填补，并匹配到本日期的色调，日期最近者优先；其余由网络填补</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="183" />
            <source>{0} (cloud-free)</source>
            <translation>{0}（无云）</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="183" />
            <source>{0} (cloud-free {1})</source>
            <translation>{0}（去云 {1}）</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="189" />
            <source>{0} (cloud mask)</source>
            <translation>{0}（云掩膜）</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="189" />
            <source>{0} (cloud mask {1})</source>
            <translation>{0}（云掩膜 {1}）</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="218" />
            <source>Clear</source>
            <translation>无云</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="218" />
            <source>Cloud</source>
            <translation>云</translation>
        </message>
        <message>
            <location filename="../plugin/result.py" line="218" />
            <source>Cloud shadow</source>
            <translation>云阴影</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="81" />
            <source>Optical</source>
            <translation>光学</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="104" />
            <source>The algorithm {0} is not registered.</source>
            <translation>算法 {0} 未注册。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="139" />
            <source>The output {0} could not be opened.</source>
            <translation>无法打开输出 {0}。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="151" />
            <source>Done: added layer '{0}' from a temporary file, which QGIS deletes when it closes (Export &gt; Save As... keeps it).</source>
            <translation>完成：已从临时文件添加图层“{0}”，QGIS 关闭时会删除该文件（导出 &gt; 另存为... 可保留）。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="155" />
            <source>Done: saved to {0} and added as layer '{1}' above its input.</source>
            <translation>完成：已保存到 {0}，并作为图层“{1}”添加在其输入图层之上。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="158" />
            <source>An earlier result keeps its file; this one got a new name.</source>
            <translation>较早的结果保留其文件；本次结果使用了新文件名。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="161" />
            <source>The input layer now shows bands {0} as the result does.</source>
            <translation>输入图层现在与结果一样显示波段 {0}。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="164" />
            <source>Cloud cover {0:.1f} %, shadow {1:.1f} %.</source>
            <translation>云覆盖率 {0:.1f} %，云影 {1:.1f} %。</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="184" />
            <source>{0} (uncertainty)</source>
            <translation>{0}（不确定性）</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="201" />
            <source>unknown error</source>
            <translation>未知错误</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="202" />
            <source>Cloud removal failed: {0}</source>
            <translation>去云失败：{0}</translation>
        </message>
        <message>
            <location filename="../plugin/uncertainty.py" line="41" />
            <source>Add the uncertainty layer</source>
            <translation>添加不确定性图层</translation>
        </message>
        <message>
            <location filename="../plugin/uncertainty.py" line="42" />
            <source>Expected error of each restored pixel (weights with an uncertainty head): blue confident, red unsure, clear pixels transparent</source>
            <translation>每个恢复像素的预期误差（带不确定性头的权重）：蓝色可信，红色不确定，晴空像素透明</translation>
        </message>
        <message>
            <location filename="../plugin/uncertainty.py" line="75" />
            <source>0 (input kept)</source>
            <translation>0（保留输入）</translation>
        </message>
    </context>
</TS>
